using MedicalHub.Data.Work;

namespace MedicalHub.Communication.Api.Engine;

/// <summary>Wakes this replica's engine when it accepted work, so a notification due now does not wait for the next poll.</summary>
public sealed class DeliveryEngineSignal : WakeSignal;
