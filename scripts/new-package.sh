#!/usr/bin/env bash
# Creates the skeleton of a workspace package: bash scripts/new-package.sh <dir> "<one-line description>" [private]
set -euo pipefail
dir=$1 desc=$2 priv=${3:-}
privline=""
[ -n "$priv" ] && privline='"private": true,'
p=packages/$dir
mkdir -p "$p/src" "$p/test"
cat > "$p/package.json" <<JSON
{
  "name": "@df/$dir",
  "version": "0.0.0",
  "description": "$desc",
  "type": "module",
  $privline
  "sideEffects": false,
  "exports": {
    ".": {
      "@df/source": "./src/index.ts",
      "types": "./dist/index.d.ts",
      "default": "./dist/index.js"
    },
    "./package.json": "./package.json"
  },
  "files": ["dist", "src"],
  "engines": { "node": ">=20.19" },
  "scripts": {
    "build": "tsc -p tsconfig.build.json",
    "typecheck": "tsc -p tsconfig.json --noEmit",
    "test": "vitest run"
  },
  "dependencies": {},
  "devDependencies": {},
  "publishConfig": { "access": "public" }
}
JSON
cat > "$p/tsconfig.json" <<'JSON'
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true, "customConditions": ["@df/source"] },
  "include": ["src", "test"]
}
JSON
cat > "$p/tsconfig.build.json" <<'JSON'
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist" },
  "include": ["src"]
}
JSON
cat > "$p/vitest.config.ts" <<TS
import { defineProject } from 'vitest/config'

export default defineProject({
  resolve: { conditions: ['@df/source'] },
  ssr: { resolve: { conditions: ['@df/source'] } },
  test: { name: '$dir' },
})
TS
[ -f "$p/src/index.ts" ] || echo "export {}" > "$p/src/index.ts"
[ -f "$p/README.md" ] || printf '# @df/%s\n\n%s\n' "$dir" "$desc" > "$p/README.md"
