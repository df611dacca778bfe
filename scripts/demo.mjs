// Placeholder main job until the CLI lands (issue 7): replaced by the real demo.
console.log('demo: not yet implemented')
process.exit(1)
