import { celeryCliScenario } from './celery-cli-scenario.js';

celeryCliScenario('redis');
