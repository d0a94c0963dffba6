"""The parts of ``Actor``: conversations and interactions with the app."""
