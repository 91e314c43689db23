"""Barometer: the weekly Art et Essai admissions barometer against the market."""

# Publishing the dataset is part of having the barometer: importing the domain registers it.
from lanterne.barometer import dataset as dataset
