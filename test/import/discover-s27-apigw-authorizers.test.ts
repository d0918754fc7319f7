// API Gateway's managed authorizers in Terraform (review s27): an HTTP API's JWT authorizer and a REST API's
// Cognito authorizer check signature, issuer, audience and expiry, so the routes that run them take
// `token-validation` (and missing-token-validation no longer reports the gateway); the user pool they trust is
// drawn in use (clients sign in at it, the gateway fetches its keys) instead of standing alone. A Lambda
// authorizer is our own code: it claims nothing and leaves a check; a route without an authorizer is unchanged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { type Draft, type DraftEndpoint, draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { sanityWarnings } from '../../src/model/sanity.js';
import { draftModel as modelOf, elementOf, flowOf, flowSet, readTerraform as read } from './draft-helpers.js';

const tokenFindings = (draft: Draft): string[] =>
  analyze(modelOf(draft)).threats.filter((t) => t.ruleId === 'missing-token-validation').map((t) => t.title);

function endpoint(draft: Draft, element: string, key: string): DraftEndpoint {
  const ep = elementOf(draft, element).endpoints?.find((e) => e.key === key);
  assert.ok(ep, `no endpoint ${key} on ${element}`);
  return ep;
}

// Draft elements are keyed by configuration folder and address.
const HTTP = '|aws_apigatewayv2_api.http';
const REST = '|aws_api_gateway_rest_api.api';
const USERS = '|aws_cognito_user_pool.users';

const controlsOf = (ep: DraftEndpoint): string[] => (ep.controls ?? []).map((c) => `${c.control} main.tf:${c.provenance.line}`);
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

const POOL = `provider "aws" { region = "eu-west-1" }
resource "aws_cognito_user_pool" "users" { name = "users" }
resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = "arn:aws:iam::123456789012:role/api"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "api.zip"
}
`;

/** An HTTP API with a JWT authorizer trusting the pool: `POST /orders` runs it; `GET /health` and `GET /open` name no authorizer. */
const HTTP_API = (client: string, jwtConfig = `    audience = [aws_cognito_user_pool_client.web.id]
    issuer   = "https://cognito-idp.eu-west-1.amazonaws.com/\${aws_cognito_user_pool.users.id}"`) => `${POOL}
resource "aws_cognito_user_pool_client" "web" {
  name         = "web"
  user_pool_id = aws_cognito_user_pool.users.id
${client}}
resource "aws_apigatewayv2_api" "http" {
  name          = "http"
  protocol_type = "HTTP"
}
resource "aws_apigatewayv2_authorizer" "cognito" {
  api_id           = aws_apigatewayv2_api.http.id
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]
  name             = "cognito"
  jwt_configuration {
${jwtConfig}
  }
}
resource "aws_apigatewayv2_integration" "api" {
  api_id           = aws_apigatewayv2_api.http.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.api.invoke_arn
}
resource "aws_apigatewayv2_route" "orders" {
  api_id             = aws_apigatewayv2_api.http.id
  route_key          = "POST /orders"
  target             = "integrations/\${aws_apigatewayv2_integration.api.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.cognito.id
}
resource "aws_apigatewayv2_route" "more" {
  api_id             = aws_apigatewayv2_api.http.id
  route_key          = "GET /more"
  target             = "integrations/\${aws_apigatewayv2_integration.api.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.cognito.id
}
resource "aws_apigatewayv2_route" "health" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "GET /health"
  target    = "integrations/\${aws_apigatewayv2_integration.api.id}"
}
`;

/** A REST API whose `GET /orders` runs an authorizer of `type` (with `settings`), and a user pool domain. */
const REST_API = (type: string, settings: string, authorization = type) => `${POOL}
resource "aws_cognito_user_pool_domain" "users" {
  domain       = "acme-login"
  user_pool_id = aws_cognito_user_pool.users.id
}
resource "aws_api_gateway_rest_api" "api" { name = "api" }
resource "aws_api_gateway_authorizer" "auth" {
  name        = "auth"
  rest_api_id = aws_api_gateway_rest_api.api.id
  type        = "${type}"
${settings}}
resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "orders"
}
resource "aws_api_gateway_method" "get" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.orders.id
  http_method   = "GET"
  authorization = "${authorization}"
  authorizer_id = aws_api_gateway_authorizer.auth.id
}
resource "aws_api_gateway_integration" "get" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.orders.id
  http_method             = aws_api_gateway_method.get.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.api.invoke_arn
}
`;
const COGNITO = REST_API('COGNITO_USER_POOLS', '  provider_arns = [aws_cognito_user_pool.users.arn]\n');
const LAMBDA = REST_API('TOKEN', '  authorizer_uri = aws_lambda_function.api.invoke_arn\n', 'CUSTOM');

describe('API Gateway JWT authorizer (HTTP API)', () => {
  const text = HTTP_API('');
  const r = read(text);
  const authorizerLine = lineOf(text, 'resource "aws_apigatewayv2_authorizer"');

  it('gives token-validation, cited at the authorizer, to each route that runs it', () => {
    assert.deepEqual(controlsOf(endpoint(r.draft, HTTP, 'POST /orders')), [`token-validation main.tf:${authorizerLine}`]);
    assert.deepEqual(controlsOf(endpoint(r.draft, HTTP, 'GET /more')), [`token-validation main.tf:${authorizerLine}`]);
    assert.match(endpoint(r.draft, HTTP, 'POST /orders').controls![0].provenance.note ?? '', /JWT authorizer checks each token's signature, issuer, audience and expiry/);
  });

  it('gives none to a route that runs no authorizer', () => {
    assert.equal(endpoint(r.draft, HTTP, 'GET /health').controls, undefined);
  });

  it('writes the control on the endpoint with its provenance', () => {
    const yaml = draftToYaml(mergeDrafts([r.draft]));
    assert.match(yaml, new RegExp(`# token-validation: main.tf:${authorizerLine} aws_apigatewayv2_authorizer.cognito: .*\\n\\s+POST /orders: \\{ controls: \\[ token-validation \\] \\}`));
  });

  it('draws the pool in use: the gateway fetches its keys once, clients sign in at it', () => {
    const jwks = flowOf(r.draft, HTTP, USERS);
    assert.equal(jwks.protocol, 'https');
    assert.deepEqual(jwks.evidence.map((e) => `${e.provenance.line} ${e.provenance.note}`), [`${lineOf(text, 'issuer ')} aws_apigatewayv2_authorizer.cognito fetches the signing keys (JWKS) of aws_cognito_user_pool.users`]);
    const signIn = flowOf(r.draft, 'clients', USERS);
    assert.match(signIn.evidence[0].provenance.note ?? '', /aws_cognito_user_pool_client.web: sign-in through the Cognito API \(explicit_auth_flows unset/);
    assert.deepEqual(sanityWarnings(modelOf(r.draft)).filter((d) => /has no flows/.test(d.message)).map((d) => d.message), []);
  });

  it('lists neither the authorizer nor the pool client as skipped', () => {
    assert.deepEqual(r.skippedTypes.filter((t) => /authorizer|cognito/.test(t)), []);
  });

  it('leaves missing-token-validation nothing to report', () => {
    assert.deepEqual(tokenFindings(r.draft), []);
  });

  it('claims nothing for an authorizer whose audience the files do not give', () => {
    const bare = read(HTTP_API('', '    issuer = "https://cognito-idp.eu-west-1.amazonaws.com/${aws_cognito_user_pool.users.id}"'));
    assert.equal(endpoint(bare.draft, HTTP, 'POST /orders').controls, undefined);
    assert.ok(!flowSet(bare.draft).includes(`${HTTP} -> ${USERS}`));
    assert.deepEqual(tokenFindings(bare.draft), ['JWTs accepted without full validation by aws_apigatewayv2_api.http']);
  });

  it('claims nothing for a JWT route that names no authorizer', () => {
    const text2 = HTTP_API('').replace('  authorizer_id      = aws_apigatewayv2_authorizer.cognito.id\n}\nresource "aws_apigatewayv2_route" "more"', '}\nresource "aws_apigatewayv2_route" "more"');
    const r2 = read(text2);
    assert.equal(endpoint(r2.draft, HTTP, 'POST /orders').controls, undefined);
    assert.ok(endpoint(r2.draft, HTTP, 'GET /more').controls);
    assert.deepEqual(tokenFindings(r2.draft), ['JWTs accepted without full validation by aws_apigatewayv2_api.http']);
  });

  it('draws no sign-in for a client that only runs admin flows, and one for a client with OAuth flows', () => {
    const admin = read(HTTP_API('  explicit_auth_flows = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]\n'));
    assert.ok(!flowSet(admin.draft).includes(`clients -> ${USERS}`), flowSet(admin.draft).join(', '));
    const oauth = read(HTTP_API('  explicit_auth_flows = ["ALLOW_REFRESH_TOKEN_AUTH"]\n  allowed_oauth_flows_user_pool_client = true\n  allowed_oauth_flows = ["code"]\n'));
    assert.match(flowOf(oauth.draft, 'clients', USERS).evidence[0].provenance.note ?? '', /OAuth code sign-in at the pool's domain/);
  });
});

describe('API Gateway Cognito authorizer (REST API)', () => {
  const r = read(COGNITO);
  const authorizerLine = lineOf(COGNITO, 'resource "aws_api_gateway_authorizer"');

  it('gives token-validation, cited at the authorizer, to the method that runs it', () => {
    assert.deepEqual(controlsOf(endpoint(r.draft, REST, 'GET /orders')), [`token-validation main.tf:${authorizerLine}`]);
  });

  it('draws the gateway fetching the pool\'s keys and clients signing in at its domain', () => {
    assert.equal(flowOf(r.draft, REST, USERS).evidence[0].provenance.line, lineOf(COGNITO, 'provider_arns'));
    const signIn = flowOf(r.draft, 'clients', USERS).evidence[0].provenance;
    assert.equal(signIn.line, lineOf(COGNITO, 'resource "aws_cognito_user_pool_domain"'));
    assert.match(signIn.note ?? '', /aws_cognito_user_pool_domain.users: hosted sign-in pages/);
    assert.deepEqual(r.skippedTypes.filter((t) => /authorizer|cognito/.test(t)), []);
  });

  it('leaves missing-token-validation nothing to report', () => {
    assert.deepEqual(tokenFindings(r.draft), []);
  });

  it('claims nothing for a method that asks for another authorization', () => {
    const iam = read(REST_API('COGNITO_USER_POOLS', '  provider_arns = [aws_cognito_user_pool.users.arn]\n', 'AWS_IAM'));
    assert.equal(endpoint(iam.draft, REST, 'GET /orders').controls, undefined);
    assert.ok(!flowSet(iam.draft).includes(`${REST} -> ${USERS}`));
  });
});

describe('API Gateway Lambda authorizer (REST API)', () => {
  const r = read(LAMBDA);

  it('claims no token validation and draws no key fetch', () => {
    assert.equal(endpoint(r.draft, REST, 'GET /orders').controls, undefined);
    assert.ok(!flowSet(r.draft).includes(`${REST} -> ${USERS}`));
    assert.deepEqual(tokenFindings(r.draft), ['JWTs accepted without full validation by aws_api_gateway_rest_api.api']);
  });

  it('says in a check at the authorizer that its function decides', () => {
    const checks = r.checks.filter((c) => /Lambda authorizer/.test(c.message));
    assert.deepEqual(checks.map((c) => `${c.file}:${c.line}`), [`main.tf:${lineOf(LAMBDA, 'resource "aws_api_gateway_authorizer"')}`]);
    assert.match(checks[0].message, /aws_api_gateway_authorizer.auth is a Lambda authorizer: .*add token-validation to the routes it guards/);
    assert.deepEqual(r.skippedTypes.filter((t) => /authorizer/.test(t)), []);
  });
});
