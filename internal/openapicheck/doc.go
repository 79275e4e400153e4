// Package openapicheck holds the tests of the document GET /openapi.json serves (package api builds
// it): valid OpenAPI 3.1, lint clean, every example true to its schema. They live apart from package
// api so that api's own test binary, which the fuzz targets of .ci/run instrument whole, does not
// link the OpenAPI validator and its YAML stack (that made each fuzz build take minutes).
package openapicheck
