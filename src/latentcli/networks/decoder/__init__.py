"""A decoder-only language model (the Llama family) in numpy: read from a GGUF file, run layer by
layer with hooks on the residual stream, for `latent generate`, `latent lens` and steering."""
