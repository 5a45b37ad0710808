"""incident-bot: GitOps automation for the Support Incident Response Framework on GitLab."""

__version__ = "0.1.0"
