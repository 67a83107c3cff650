"""Understanding messages: text normalisation and the custom Rasa components of config.yml."""
