/**
 * A topic source: every record of `topics` as an Observable value. kafkajs commits a
 * record's offset only after its `handled()` was called (eachMessage waits for it), so a
 * crash re-delivers what was not handled: at-least-once, like a Kafka Streams task.
 */
import type { Kafka } from 'kafkajs';
import { Observable } from 'rxjs';
import type { RawRecord } from '../avro/decoder.js';

export interface SourceRecord extends RawRecord {
  /** Marks the record handled: its offset may be committed. */
  handled(): void;
}

export interface TopicSourceOptions {
  topics: readonly string[];
  groupId: string;
  fromBeginning: boolean;
}

/** `kafka` is injected (a client factory in Kafka Streams' terms), so tests pass their own. */
export function createTopicSource(
  kafka: Pick<Kafka, 'consumer'>,
  options: TopicSourceOptions,
): Observable<SourceRecord> {
  return new Observable<SourceRecord>((subscriber) => {
    const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
    let closed = false;
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) subscriber.error(event.payload.error);
    });
    const start = async () => {
      await consumer.connect();
      await consumer.subscribe({
        topics: [...options.topics],
        fromBeginning: options.fromBeginning,
      });
      await consumer.run({
        eachMessage: ({ topic, partition, message }) =>
          new Promise<void>((resolve) => {
            if (closed) return resolve();
            subscriber.next({
              topic,
              partition,
              offset: message.offset,
              key: message.key,
              value: message.value,
              timestamp: message.timestamp,
              handled: resolve,
            });
          }),
      });
    };
    start().catch((err: unknown) => subscriber.error(err));
    return () => {
      closed = true;
      void consumer.disconnect();
    };
  });
}
