"""Helm chart templates, linted in place (standards 0.5 Helm row, 0.6 item 3).

``template`` turns template text into YAML text of the same shape, ``values`` resolves
simple references from the chart's values, ``loader`` ties both to the YAML loader and
``render`` optionally runs the real ``helm template``.
"""
