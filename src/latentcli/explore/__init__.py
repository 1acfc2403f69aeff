"""`latent explore`: a Textual app over the core; imported only by the explore command."""
