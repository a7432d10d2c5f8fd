"""Development and the demo: everything from the environment, nothing more."""

from .base import *  # noqa: F403
