// gRPC clients that take a URL (OpenTelemetry's OTLP exporters, .NET's GrpcChannel) write `http://collector:4317`:
// the scheme says only whether TLS is on, and the port, which only gRPC listens on, says what is spoken.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { guessProtocol } from '../../src/import/protocols.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { flowOf } from './draft-helpers.js';

describe('discover: gRPC behind an http(s) scheme', () => {
  it('an OTLP endpoint on 4317 is gRPC, with TLS when the scheme is https; on 4318 it is OTLP over HTTP', () => {
    const r = discoverCompose(`services:
  api:
    image: acme/api:1
    environment:
      OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4317
  worker:
    image: acme/worker:1
    environment:
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: https://otel-collector:4317
  web:
    image: acme/web:1
    environment:
      OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4318
  otel-collector:
    image: otel/opentelemetry-collector-contrib:0.100.0
`, 'compose.yaml');
    assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    assert.equal(flowOf(r.draft, 'api', 'otel-collector').protocol, 'grpc');
    assert.equal(flowOf(r.draft, 'worker', 'otel-collector').protocol, 'grpcs');
    assert.equal(flowOf(r.draft, 'web', 'otel-collector').protocol, 'http');
  });

  it('the port alone names gRPC; other schemes and ports keep their word', () => {
    const t = (facts: Parameters<typeof guessProtocol>[0]) => guessProtocol(facts, undefined).protocol;
    assert.equal(t({ targetPort: 4317 }), 'grpc');
    assert.equal(t({ scheme: 'http', targetPort: 50051 }), 'grpc');
    assert.equal(t({ scheme: 'https', targetPort: 14250 }), 'grpcs');
    assert.equal(t({ scheme: 'http', targetPort: 8080 }), 'http');
    assert.equal(t({ scheme: 'grpcs', targetPort: 4317 }), 'grpcs');
    assert.equal(t({ scheme: 'wss', targetPort: 50051 }), 'wss');
  });
});
