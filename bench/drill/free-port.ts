export { freePort } from '@onramp/core/testing';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
