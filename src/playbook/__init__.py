"""Playbook: a git-native relationship playbook compiled into a static site."""

__version__ = "0.1.0"
