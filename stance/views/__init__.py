"""Dashboard pages: each draws widgets and charts, asking stance.queries and stance.charts for the work."""
