"""From call text to a route suggestion: normalize → mask → segment → features → model → route."""
