import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds } from '../support/stores.ts';
import { as, fails, ok, startWorkspace, type Person, type Workspace } from './support.ts';

const letter = {
  name: 'Customer letter',
  category: 'business',
  content: 'Dear {{customer}}, about your {{product}} order of {{quantity}} units.',
  variables: [
    { name: 'customer', type: 'text', required: true },
    { name: 'product', type: 'select', options: ['router', 'switch'], required: true },
    { name: 'quantity', type: 'number', default: 1 },
  ],
};

for (const kind of storeKinds()) {
  describe(`templates API (${kind.name})`, () => {
    let w: Workspace;
    let admin: Person;
    let outsider: Person;
    let otherTeam: string;
    before(async () => {
      w = await startWorkspace(kind);
      admin = await w.person({ teamRole: 'admin' });
      const org = w.gw.tg.home.org.id;
      otherTeam = (await w.gw.tg.directory.createTeam(org, 'Other team', { actorId: 'system', orgId: org })).id;
      outsider = await w.person({ teamRole: null });
      await w.gw.tg.directory.setMembership(otherTeam, outsider.id, 'admin', { actorId: 'system', orgId: org });
    });
    after(() => w.close());

    test('a personal template: create, read, render, change, delete — its owner only', async () => {
      const t = await ok(as(w.gw, w.ana, '/api/templates', { body: letter }), 201);
      assert.equal(t.object, 'template');
      assert.deepEqual([t.scope, t.team_id, t.category], ['personal', null, 'business']);
      assert.equal(t.variables[2].required, false);
      const rendered = await ok(as(w.gw, w.ana, `/api/templates/${t.id}/render`, { body: { variables: { customer: 'Ms Ortiz', product: 'router' } } }));
      assert.deepEqual(rendered, { content: 'Dear Ms Ortiz, about your router order of 1 units.' });
      const changed = await ok(as(w.gw, w.ana, `/api/templates/${t.id}`, { method: 'PATCH', body: { name: 'Letter', category: 'creative' } }));
      assert.deepEqual([changed.name, changed.category], ['Letter', 'creative']);
      for (const who of [w.ben, w.olga, admin]) {
        await fails(as(w.gw, who, `/api/templates/${t.id}`), 404, 'template_not_found');
        await fails(as(w.gw, who, `/api/templates/${t.id}/render`, { body: { variables: {} } }), 404, 'template_not_found');
        await fails(as(w.gw, who, `/api/templates/${t.id}`, { method: 'DELETE' }), 404, 'template_not_found');
        const list = await (await as(w.gw, who, '/api/templates')).text();
        assert.ok(!list.includes(t.id));
      }
      assert.deepEqual(await ok(as(w.gw, w.ana, `/api/templates/${t.id}`, { method: 'DELETE' })), { id: t.id, object: 'template', deleted: true });
      await fails(as(w.gw, w.ana, `/api/templates/${t.id}`), 404, 'template_not_found');
    });

    test("a team template: the team's members read it, its admins write it, other teams see nothing", async () => {
      const team = w.gw.tg.home.defaultTeam.id;
      await fails(as(w.gw, w.ana, '/api/templates', { body: { ...letter, scope: 'team', team_id: team } }), 403, 'permission_denied');
      await fails(as(w.gw, w.vic, '/api/templates', { body: { ...letter, scope: 'team', team_id: team } }), 403, 'permission_denied');
      const t = await ok(as(w.gw, admin, '/api/templates', { body: { ...letter, name: 'Team letter', scope: 'team', team_id: team } }), 201);
      assert.deepEqual([t.scope, t.team_id], ['team', team]);
      for (const reader of [w.ana, w.ben, w.vic, admin, w.olga]) {
        const list = await ok(as(w.gw, reader, '/api/templates?category=business'));
        assert.ok(list.data.some((x: any) => x.id === t.id), 'listed for a team member');
        await ok(as(w.gw, reader, `/api/templates/${t.id}/render`, { body: { variables: { customer: 'A', product: 'switch', quantity: 3 } } }));
      }
      await fails(as(w.gw, w.ana, `/api/templates/${t.id}`, { method: 'PATCH', body: { name: 'mine' } }), 403, 'permission_denied');
      await fails(as(w.gw, w.ana, `/api/templates/${t.id}`, { method: 'DELETE' }), 403, 'permission_denied');
      await fails(as(w.gw, outsider, `/api/templates/${t.id}`), 403, 'permission_denied');
      await fails(as(w.gw, outsider, `/api/templates/${t.id}`, { method: 'PATCH', body: { name: 'mine' } }), 403, 'permission_denied');
      assert.ok(!(await (await as(w.gw, outsider, '/api/templates')).text()).includes(t.id));
      await ok(as(w.gw, admin, `/api/templates/${t.id}`, { method: 'PATCH', body: { name: 'Team letter v2' } }));
      const audit = await w.gw.tg.store.db.selectFrom('audit_events').select(['action']).where('target', '=', t.id).execute();
      assert.deepEqual(audit.map((a) => a.action).sort(), ['template.created', 'template.updated']);
      assert.equal((await ok(as(w.gw, w.ana, '/api/templates?category=technical'))).data.length, 0);
    });

    test('bad input: unknown, missing or invalid variables name the variable; content and variables must match', async () => {
      const t = await ok(as(w.gw, w.ben, '/api/templates', { body: letter }), 201);
      const render = (variables: unknown) => as(w.gw, w.ben, `/api/templates/${t.id}/render`, { body: { variables } });
      await fails(render({ customer: 'a', product: 'router', colour: 'red' }), 400, 'invalid_parameter', 'variables.colour');
      await fails(render({ product: 'router' }), 400, 'invalid_parameter', 'variables.customer');
      await fails(render({ customer: 'a', product: 'toaster' }), 400, 'invalid_parameter', 'variables.product');
      await fails(render({ customer: 'a', product: 'router', quantity: 'lots' }), 400, 'invalid_parameter', 'variables.quantity');
      await fails(render({ customer: { nested: true }, product: 'router' }), 400, 'invalid_parameter');
      await fails(as(w.gw, w.ben, '/api/templates', { body: { ...letter, content: 'Hi {{name}} and {{customer}}' } }), 400, 'invalid_parameter', 'content');
      await fails(as(w.gw, w.ben, '/api/templates', { body: { ...letter, content: 'Hi {{customer}}' } }), 400, 'invalid_parameter', 'variables[1].name');
      await fails(as(w.gw, w.ben, '/api/templates', { body: { ...letter, variables: [...letter.variables, { name: 'customer', type: 'text' }] } }), 400, 'invalid_parameter', 'variables[3].name');
      await fails(as(w.gw, w.ben, '/api/templates', { body: { ...letter, variables: [{ name: 'customer', type: 'select' }, ...letter.variables.slice(1)] } }), 400, 'invalid_parameter', 'variables[0].options');
      await fails(as(w.gw, w.ben, '/api/templates', { body: { ...letter, variables: [letter.variables[0], { ...letter.variables[1], default: 'fax' }, letter.variables[2]] } }), 400, 'invalid_parameter', 'variables[1].default');
      await fails(as(w.gw, w.ben, '/api/templates', { body: { ...letter, category: 'legal' } }), 400, 'invalid_parameter', 'category');
      await fails(as(w.gw, w.ben, '/api/templates', { body: { ...letter, scope: 'team' } }), 400, 'invalid_parameter', 'team_id');
      await fails(as(w.gw, w.ben, '/api/templates', { body: { ...letter, team_id: otherTeam } }), 400, 'invalid_parameter', 'team_id');
      await fails(as(w.gw, w.ben, '/api/templates', { body: { ...letter, scope: 'team', team_id: 'team_nope' } }), 404, 'team_not_found');
      await fails(as(w.gw, w.ben, `/api/templates/${t.id}`, { method: 'PATCH', body: { content: 'Only {{customer}}' } }), 400, 'invalid_parameter', 'variables[1].name');
      const same = await ok(as(w.gw, w.ben, `/api/templates/${t.id}`));
      assert.equal(same.content, letter.content, 'a refused change changes nothing');
    });
  });
}
