export * from './typescript';
