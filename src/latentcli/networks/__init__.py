"""Neural networks in numpy, as libraries: arrays in, arrays out.

`encoder` is the sentence encoder (BERT and MPNet, from sentence-transformers / Hugging Face
directories); `decoder` is the generative language model (the Llama family, from GGUF files).
Both use `arrays` (the array types) and `threads` (how many threads BLAS may use). Neither imports
anything of latentcli but `latentcli.errors`: what their outputs mean (results, notes, tables) is
built by `analysis/` and the store.
"""
