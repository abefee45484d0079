"""xxgk: validate and publish Chinese government information-disclosure annual reports as open data."""

__version__ = "0.1.0"
