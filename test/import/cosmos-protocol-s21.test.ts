// Session 21: clients reach Azure's managed databases over their own protocols, so that an import with no
// protocol drawn does not read a call to Cosmos DB (HTTPS only) as cleartext HTTP; an unknown technology still
// gets none (the caller's default applies).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { techProtocol } from '../../src/import/protocols.js';

describe('techProtocol: Azure managed databases', () => {
  it('Cosmos DB over HTTPS, Azure SQL over SQL Server\'s protocol, Azure PostgreSQL over PostgreSQL\'s', () => {
    assert.equal(techProtocol('cosmosdb'), 'https');
    assert.equal(techProtocol('azure-sql'), 'sql');
    assert.equal(techProtocol('azure-postgres'), 'postgres');
  });
  it('nothing for a technology it does not know', () => {
    assert.equal(techProtocol('no-such-database'), undefined);
  });
});
