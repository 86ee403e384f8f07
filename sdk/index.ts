// Delegate's agent SDK: DelegateAgent (claim loop, heartbeats, cancel handling, graceful stop)
// and DelegateClient (every gateway route). Plain TypeScript over fetch and ws.
export { DelegateAgent, TaskFailure, type AgentEvent, type AgentOptions, type TaskContext, type TaskHandler } from './agent';
export {
  DelegateClient,
  type BatchAnswer,
  GatewayRequestError,
  type ClientOptions,
  type HeartbeatAnswer,
  type JsonValue,
  type ReportResult,
  type TaskBatchItemInput,
  type TaskDto,
  type TaskInput,
  type TaskListQuery,
  type TaskPage,
  type TaskProgress,
  type TaskState,
  type WhoAmI,
} from './client';
