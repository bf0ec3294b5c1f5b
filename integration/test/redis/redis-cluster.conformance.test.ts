import { redisConformance } from './conformance-suites.js';

// The same suites on the harness's 3-master Redis Cluster (REDIS_CLUSTER_URLS).
redisConformance('redis-cluster');
