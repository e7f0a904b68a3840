using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MedicalHub.Workflow.Api.Engine;

/// <summary>
/// Workflow's traces and metrics (meter <c>MedicalHub.Workflow</c>, exported to the dashboard with the others): instances
/// started and ended, steps ended and how long they took, timers fired and how late, SLA breaches, tasks created and
/// completed, service calls and compensations, work discarded; and gauges the <see cref="WorkflowGauges"/> sampler keeps.
/// </summary>
public sealed class EngineTelemetry : IDisposable
{
    public const string Name = "MedicalHub.Workflow";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;

    public EngineTelemetry(IMeterFactory meters, WorkflowGauges gauges)
    {
        _meter = meters.Create(Name);
        InstancesStarted = _meter.CreateCounter<long>("workflow.instances.started", "{instance}", "Pathway instances started (tag trigger).");
        InstancesEnded = _meter.CreateCounter<long>("workflow.instances.ended", "{instance}", "Pathway instances ended (tag status).");
        StepsEnded = _meter.CreateCounter<long>("workflow.steps.ended", "{step}", "Steps ended (tags type, status).");
        StepDuration = _meter.CreateHistogram<double>("workflow.step.duration", "s", "How long steps stayed open (tag type).");
        TimersFired = _meter.CreateCounter<long>("workflow.timers.fired", "{timer}", "Timer steps fired.");
        TimerLateness = _meter.CreateHistogram<double>("workflow.timer.lateness", "ms", "How long after its due time a timer fired.");
        SlaBreaches = _meter.CreateCounter<long>("workflow.sla.breaches", "{breach}", "Steps still open when their SLA ran out (tag step type).");
        TasksCreated = _meter.CreateCounter<long>("workflow.tasks.created", "{task}", "Tasks created (tag kind).");
        TasksCompleted = _meter.CreateCounter<long>("workflow.tasks.completed", "{task}", "Tasks completed.");
        ServiceCalls = _meter.CreateCounter<long>("workflow.service_calls", "{call}", "Service calls made by steps and compensations (tags service, result).");
        Compensations = _meter.CreateCounter<long>("workflow.compensations", "{compensation}", "Compensations carried out (tag status).");
        WorkDiscarded = _meter.CreateCounter<long>("workflow.work.discarded", "{item}", "Work items with nothing left to do (ended or deleted instance).");
        EventsReceived = _meter.CreateCounter<long>("workflow.events.received", "{event}", "Integration events received (tags type, result).");
        _meter.CreateObservableGauge("workflow.instances.running", () => gauges.RunningInstances, "{instance}", "Instances running or paused.");
        _meter.CreateObservableGauge("workflow.tasks.open", () => gauges.OpenTasks, "{task}", "Tasks not yet completed or cancelled.");
        _meter.CreateObservableGauge("workflow.tasks.overdue", () => gauges.OverdueTasks, "{task}", "Open tasks past their due date.");
        _meter.CreateObservableGauge("workflow.work.due", () => gauges.DueWorkItems, "{item}", "Work items due and not yet done (the engine's backlog).");
    }

    public Counter<long> InstancesStarted { get; }
    public Counter<long> InstancesEnded { get; }
    public Counter<long> StepsEnded { get; }
    public Histogram<double> StepDuration { get; }
    public Counter<long> TimersFired { get; }
    public Histogram<double> TimerLateness { get; }
    public Counter<long> SlaBreaches { get; }
    public Counter<long> TasksCreated { get; }
    public Counter<long> TasksCompleted { get; }
    public Counter<long> ServiceCalls { get; }
    public Counter<long> Compensations { get; }
    public Counter<long> WorkDiscarded { get; }
    public Counter<long> EventsReceived { get; }

    public void Dispose() => _meter.Dispose();
}

/// <summary>The latest sampled values of Workflow's gauges (all organizations), refreshed by <see cref="WorkflowGaugeSampler"/>.</summary>
public sealed class WorkflowGauges
{
    public long RunningInstances { get; set; }
    public long OpenTasks { get; set; }
    public long OverdueTasks { get; set; }
    public long DueWorkItems { get; set; }
}
