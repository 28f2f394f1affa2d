#!/usr/bin/env python3
"""Validates an OpenAPI document with openapi-spec-validator (PyPI).

    validate_openapi.py URL

Prints "valid" and the number of paths, or the validator's error, and exits non-zero on it.
"""
import json
import sys
import urllib.request

from openapi_spec_validator import validate

with urllib.request.urlopen(sys.argv[1]) as response:
    document = json.loads(response.read())
try:
    validate(document)
except Exception as error:  # the validator's own exception types differ between versions
    print(f"invalid: {error}")
    sys.exit(1)
print(f"valid: {len(document['paths'])} paths")
