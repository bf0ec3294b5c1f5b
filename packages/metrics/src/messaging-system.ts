/** OpenTelemetry's `messaging.system` per tq transport (by broker class name). */
const SYSTEMS: Record<string, string> = {
  RedisBroker: 'redis',
  AmqpBroker: 'rabbitmq',
  KafkaBroker: 'kafka',
  SqsBroker: 'aws_sqs',
  MemoryBroker: 'memory',
};

/**
 * The `messaging.system` of a transport's broker: found up its class chain (a subclass of
 * `RedisBroker` is still `redis`); a third-party transport's class name, lower-cased, otherwise.
 */
export function messagingSystem(broker: object): string {
  for (let proto = Object.getPrototypeOf(broker); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const system = SYSTEMS[proto.constructor.name];
    if (system) return system;
  }
  return broker.constructor.name.replace(/Broker$/, '').toLowerCase();
}
