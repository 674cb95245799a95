/** A bad configuration value: the process stops with this one-line message naming the variable. */
export class ConfigError extends Error {}
