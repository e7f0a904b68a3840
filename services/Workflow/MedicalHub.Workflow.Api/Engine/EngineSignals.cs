using MedicalHub.Data.Work;

namespace MedicalHub.Workflow.Api.Engine;

/// <summary>Wakes this replica's <see cref="PathwayEngine"/> when work due now was committed.</summary>
public sealed class EngineSignal : WakeSignal;

/// <summary>Wakes this replica's <see cref="CallWorker"/> when a service call or compensation was committed.</summary>
public sealed class CallSignal : WakeSignal;
