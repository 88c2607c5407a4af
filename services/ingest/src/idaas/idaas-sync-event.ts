// The data a callback token carries (plain, or decrypted): IDaaS's SyncEvent with its list of EventData,
// each with the business data of one user, organizational unit or group. IDaaS's push SDK reads
// `eventData` and `bizData` as JSON text inside the JSON; an object in their place is read as well.
import { OnrampError } from '@onramp/core';

export interface IdaasEventData {
  eventId: string;
  eventType: string;
  /** Unix epoch milliseconds. */
  eventTime: number | undefined;
  bizId: string | undefined;
  bizData: Record<string, unknown>;
}

export interface IdaasSyncEvent {
  instanceId: string | undefined;
  events: IdaasEventData[];
}

const MAX_EVENTS = 1000;

function malformed(message: string): OnrampError {
  return new OnrampError('invalid_request', `callback event: ${message}`);
}

function jsonValue(value: unknown, what: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw malformed(`${what} is not JSON`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function eventDataOf(item: unknown, index: number): IdaasEventData {
  if (!isObject(item)) throw malformed(`eventData[${index}] must be an object`);
  const { eventId, eventType, eventTime, bizId } = item;
  if (typeof eventId !== 'string' || eventId === '') throw malformed(`eventData[${index}].eventId must be a non-empty string`);
  if (typeof eventType !== 'string' || eventType === '') throw malformed(`eventData[${index}].eventType must be a non-empty string`);
  if (eventTime !== undefined && eventTime !== null && (typeof eventTime !== 'number' || !Number.isFinite(eventTime))) {
    throw malformed(`eventData[${index}].eventTime must be epoch milliseconds`);
  }
  const bizData = item.bizData === undefined || item.bizData === null ? {} : jsonValue(item.bizData, `eventData[${index}].bizData`);
  if (!isObject(bizData)) throw malformed(`eventData[${index}].bizData must be an object`);
  return {
    eventId,
    eventType,
    eventTime: typeof eventTime === 'number' ? eventTime : undefined,
    bizId: typeof bizId === 'string' ? bizId : undefined,
    bizData,
  };
}

/** Reads a SyncEvent; anything not of its documented shape is a malformed request (400). */
export function parseSyncEvent(input: unknown): IdaasSyncEvent {
  const value = jsonValue(input, 'the event data');
  if (!isObject(value)) throw malformed('the event data must be an object');
  const list = jsonValue(value.eventData, 'eventData');
  if (!Array.isArray(list)) throw malformed('eventData must be a list');
  if (list.length > MAX_EVENTS) throw malformed(`eventData must not list more than ${MAX_EVENTS} events`);
  return {
    instanceId: typeof value.instanceId === 'string' ? value.instanceId : undefined,
    events: list.map((item, index) => eventDataOf(item, index)),
  };
}
