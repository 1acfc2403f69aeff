"""A decoder-only language model in numpy — the Llama, Qwen 2/3 and Gemma 3 families — read from a
GGUF file.

`convert` (GGUF → ``weights.f32`` + ``model.json``), `families` (each family's switches and the
rules for what a file leaves out), `weights` (memory-mapped tensors), `config` (the checked
settings and switches), `tokenizer` (byte-level BPE), `sentencepiece` (SentencePiece-style BPE),
`network` (`Llama`: the one forward pass over a batch, `KVCache`), `hooks` (the named hook points
and what a hook is given), `decoder` (`Decoder`: weights + tokenizer + network, prompts, the chat
template, sampling, the generation loop).
"""
