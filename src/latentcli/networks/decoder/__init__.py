"""A decoder-only language model (the Llama family) in numpy, read from a GGUF file.

`convert` (GGUF → ``weights.f32`` + ``model.json``), `weights` (memory-mapped tensors), `config`
(the checked settings), `tokenizer` (byte-level BPE), `network` (`Llama`: the forward pass over a
batch, `KVCache`), `hooks` (the named hook points and what a hook is given), `decoder` (`Decoder`:
weights + tokenizer + network, prompts, the chat template, sampling, the generation loop).
"""
