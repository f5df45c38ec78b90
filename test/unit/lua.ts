// Runs real Lua in tests: fengari, a Lua 5.3 VM written in JavaScript (npm `fengari`),
// so no system Lua is needed. Used for the Argo CD health check in examples/argocd.
import { createRequire } from 'node:module';

type LuaState = object;
interface Fengari {
  lua: {
    LUA_OK: number;
    lua_pushnil(L: LuaState): void;
    lua_pushboolean(L: LuaState, b: boolean): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushstring(L: LuaState, s: Uint8Array): void;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_setfield(L: LuaState, index: number, key: Uint8Array): void;
    lua_seti(L: LuaState, index: number, i: number): void;
    lua_setglobal(L: LuaState, name: Uint8Array): void;
    lua_getfield(L: LuaState, index: number, key: Uint8Array): number;
    lua_tojsstring(L: LuaState, index: number): string | null;
    lua_pcall(L: LuaState, nargs: number, nresults: number, errfunc: number): number;
    lua_istable(L: LuaState, index: number): boolean;
    lua_pop(L: LuaState, n: number): void;
  };
  lauxlib: {
    luaL_newstate(): LuaState;
    luaL_loadstring(L: LuaState, s: Uint8Array): number;
  };
  lualib: { luaL_openlibs(L: LuaState): void };
  to_luastring(s: string): Uint8Array;
}

const fengari = createRequire(import.meta.url)('fengari') as Fengari;
const { lua, lauxlib, lualib, to_luastring: str } = fengari;

function push(L: LuaState, value: unknown): void {
  if (value === null || value === undefined) lua.lua_pushnil(L);
  else if (typeof value === 'boolean') lua.lua_pushboolean(L, value);
  else if (typeof value === 'number') {
    if (Number.isInteger(value)) lua.lua_pushinteger(L, value);
    else lua.lua_pushnumber(L, value);
  } else if (typeof value === 'string') lua.lua_pushstring(L, str(value));
  else if (Array.isArray(value)) {
    lua.lua_createtable(L, value.length, 0);
    value.forEach((item, i) => {
      push(L, item);
      lua.lua_seti(L, -2, i + 1);
    });
  } else if (typeof value === 'object') {
    lua.lua_createtable(L, 0, 0);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      push(L, v);
      lua.lua_setfield(L, -2, str(k));
    }
  } else throw new Error(`cannot pass ${typeof value} to Lua`);
}

/** Runs an Argo CD health script with `obj` set; returns the `hs` table it returns. */
export function runHealthScript(script: string, obj: unknown): { status: string; message: string } {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  push(L, obj);
  lua.lua_setglobal(L, str('obj'));
  if (lauxlib.luaL_loadstring(L, str(script)) !== lua.LUA_OK)
    throw new Error(`Lua syntax error: ${lua.lua_tojsstring(L, -1)}`);
  if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK)
    throw new Error(`Lua error: ${lua.lua_tojsstring(L, -1)}`);
  if (!lua.lua_istable(L, -1)) throw new Error('the health script did not return a table');
  lua.lua_getfield(L, -1, str('status'));
  const status = lua.lua_tojsstring(L, -1) ?? '';
  lua.lua_pop(L, 1);
  lua.lua_getfield(L, -1, str('message'));
  const message = lua.lua_tojsstring(L, -1) ?? '';
  return { status, message };
}
