"""GitHub Actions workflows and composite/Docker actions (standards section 1)."""
