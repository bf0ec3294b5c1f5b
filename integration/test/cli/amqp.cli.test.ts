import { cliScenario } from './cli-scenario.js';

cliScenario('amqp');
