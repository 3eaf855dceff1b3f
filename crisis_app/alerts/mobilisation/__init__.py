"""Mobilise until N said yes: quotas per profession, ordered waves of audiences, « c'est complet » and the reserve."""
