export * as backend from './backend';
