"""Rules context: company rules configured as data, per channel or for every channel."""
