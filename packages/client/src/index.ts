export const clientVersion = 'src'
