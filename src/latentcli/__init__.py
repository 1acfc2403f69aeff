"""latent: explore the latent space of embedding models from the terminal."""

__version__ = "0.1.0"
