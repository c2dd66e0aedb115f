/**
 * The JavaScript that runs first in a generator's isolate (./host.ts), before the generator's bundle.
 * It builds the sdk the generator receives out of one function, `call`, that sends a method name and
 * JSON text to svc and gets JSON text back: no object of svc's ever enters the isolate, and nothing
 * the generator builds ever leaves it except as JSON. The script's value is the one entry point the
 * host keeps (a Reference); the bridge it closes over is taken off the global object first, so the
 * generator's code cannot reach either.
 *
 * It also notes the built-in prototypes as they are before the generator's code runs, and refuses
 * a generator that changed them: a change could not reach svc (which lives in another process), but
 * it is never what a generator means to do, and saying so beats a puzzling result later.
 */
export const PRELUDE = String.raw`(function () {
  'use strict';
  const G = globalThis;
  const bridge = G.__svc_bridge;
  delete G.__svc_bridge;
  const apply = bridge.apply, applyIgnored = bridge.applyIgnored, applySyncPromise = bridge.applySyncPromise;
  const rapply = Reflect.apply, ownKeys = Reflect.ownKeys, describe = Reflect.getOwnPropertyDescriptor;
  const parse = JSON.parse, stringify = JSON.stringify;
  const Err = Error, DateC = Date, StringC = String, defineProperty = Object.defineProperty, freeze = Object.freeze, create = Object.create, keys = Object.keys;
  /** Objects the sdk hands out are read-only snapshots, as they always were: change them through the sdk. */
  const deepFreeze = (v) => {
    if (v !== null && typeof v === 'object') {
      freeze(v);
      const ks = keys(v);
      for (let i = 0; i < ks.length; i++) deepFreeze(v[ks[i]]);
    }
    return v;
  };
  const ASYNC = { arguments: { copy: true }, result: { promise: true, copy: true } };
  const ARGS = { arguments: { copy: true } };

  const WATCHED = [
    ['Object.prototype', Object.prototype], ['Array.prototype', Array.prototype], ['Function.prototype', Function.prototype],
    ['String.prototype', String.prototype], ['Number.prototype', Number.prototype], ['Boolean.prototype', Boolean.prototype],
    ['Promise.prototype', Promise.prototype], ['Error.prototype', Error.prototype], ['Object', Object], ['Array', Array],
    ['Promise', Promise], ['JSON', JSON], ['Reflect', Reflect],
  ];
  const snapshot = (o) => {
    const s = create(null);
    const keys = ownKeys(o);
    for (let i = 0; i < keys.length; i++) {
      const d = describe(o, keys[i]);
      s[keys[i]] = [d.value, d.get, d.set];
    }
    return [s, keys.length];
  };
  const baseline = [];
  for (let i = 0; i < WATCHED.length; i++) baseline[i] = snapshot(WATCHED[i][1]);
  /** The first built-in property added or replaced since the prelude ran, as "Object.prototype.x". */
  const changedIntrinsic = () => {
    for (let i = 0; i < WATCHED.length; i++) {
      const o = WATCHED[i][1], s = baseline[i][0];
      const keys = ownKeys(o);
      for (let j = 0; j < keys.length; j++) {
        const k = keys[j], d = describe(o, k), b = s[k];
        if (b === undefined || b[0] !== d.value || b[1] !== d.get || b[2] !== d.set) return WATCHED[i][0] + '.' + StringC(k);
      }
      if (keys.length !== baseline[i][1]) return WATCHED[i][0] + ' (a property was removed)';
    }
    return undefined;
  };

  const hostError = (reply, site) => {
    const e = new Err(reply.message);
    defineProperty(e, 'name', { value: reply.name, writable: true, configurable: true });
    defineProperty(e, '__svc_host_error', { value: reply.ref });
    defineProperty(e, '__svc_call_site', { value: site });
    return e;
  };
  const call = async (method, args) => {
    // Taken before the first await: the generator's own frame is on it (see core/generate/call-site.ts).
    const site = new Err('sdk call').stack;
    const reply = parse(await rapply(apply, bridge, [undefined, [method, stringify(args)], ASYNC]));
    if (reply.ok) return deepFreeze(reply.value);
    throw hostError(reply, site);
  };
  const notify = (method, args) => void rapply(applyIgnored, bridge, [undefined, [method, stringify(args)], ARGS]);
  const callNow = (method, args) => {
    const site = new Err('sdk call').stack;
    const reply = parse(rapply(applySyncPromise, bridge, [undefined, [method, stringify(args)], ARGS]));
    if (reply.ok) return reply.value;
    throw hostError(reply, site);
  };

  const makeSdk = (init) => freeze({
    generator: init.generator,
    target: deepFreeze(init.target),
    parameters: deepFreeze(init.parameters),
    get: (id) => call('get', [id]),
    getByHfid: (kind, hfid) => call('getByHfid', [kind, hfid]),
    list: (kind, filter) => call('list', [kind, filter]),
    peer: (object, relationship) => call('peer', [object, relationship]),
    peers: (object, relationship) => call('peers', [object, relationship]),
    referrers: (object, kind, relationship) => call('referrers', [object, kind, relationship]),
    upsert: (kind, data) => call('upsert', [kind, data]),
    update: (object, data) => call('update', [object, data]),
    delete: (object) => call('delete', [object]),
    allocateNumber: (pool, identifier) => call('allocateNumber', [pool, identifier]),
    allocatePrefix: (pool, identifier, request) => call('allocatePrefix', [pool, identifier, request]),
    allocateAddress: (pool, identifier) => call('allocateAddress', [pool, identifier]),
    claim: (kind, candidates, identifier, options) => call('claim', [kind, candidates, identifier, options]),
    log: freeze({
      info: (m) => notify('log', ['info', StringC(m)]),
      warn: (m) => notify('log', ['warn', StringC(m)]),
      debug: (m) => notify('log', ['debug', StringC(m)]),
    }),
    now: () => new DateC(callNow('now', [])),
  });

  /** What was thrown, as data: reading a hostile value may throw too. */
  const failure = (e) => {
    const out = { ok: false };
    try {
      if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
        out.isError = e instanceof Err;
        out.message = StringC(e.message === undefined ? e : e.message);
        out.name = StringC(e.name === undefined ? 'Error' : e.name);
        if (typeof e.stack === 'string') out.stack = e.stack;
        if (typeof e.__svc_host_error === 'number') out.ref = e.__svc_host_error;
        if (typeof e.__svc_call_site === 'string') out.callSite = e.__svc_call_site;
      } else {
        out.isError = false;
        out.message = typeof e === 'string' ? e : 'non-error value thrown: ' + StringC(e);
      }
    } catch (x) {
      out.message = 'the generator threw a value svc cannot read';
    }
    return stringify(out);
  };
  const polluted = (when) => {
    const changed = changedIntrinsic();
    return changed === undefined ? undefined : stringify({ ok: false, polluted: changed, when });
  };

  // A generator gets the sdk; a check or a transform (loaded with the name of its export) gets data
  // and returns a value, which leaves the isolate as JSON.
  let generate, exported;
  return (op, arg) => {
    if (op === 'load') {
      const mod = G.__svc_generator;
      G.__svc_generator = undefined;
      const p = polluted('load');
      if (p) return p;
      exported = arg;
      const fn = mod && (exported === undefined
        ? (typeof mod.default === 'function' ? mod.default : mod.generate)
        : (typeof mod[exported] === 'function' ? mod[exported] : typeof mod.default === 'function' ? mod.default : undefined));
      if (typeof fn !== 'function') return stringify({ ok: false, noExport: true });
      generate = fn;
      return stringify({ ok: true });
    }
    const init = parse(arg);
    return (async () => {
      let value;
      try {
        if (exported === undefined) await generate(makeSdk(init));
        else value = await generate(deepFreeze(init.data));
      } catch (e) {
        return failure(e);
      }
      const p = polluted('run');
      if (p) return p;
      if (exported === undefined) return stringify({ ok: true });
      try {
        const json = stringify(value === undefined ? null : value);
        return '{"ok":true,"value":' + (json === undefined ? 'null' : json) + '}';
      } catch (e) {
        return failure(e);
      }
    })();
  };
})()`;
