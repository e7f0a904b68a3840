namespace MedicalHub.Content.Api.Patients;

/// <summary>What a change to the registry came to; each API turns it into its own answer (ProblemDetails, OperationOutcome).</summary>
public abstract record PatientOutcome
{
    private PatientOutcome() { }

    /// <summary>Done: the record as it now is.</summary>
    public sealed record Saved(PatientView Patient) : PatientOutcome;

    /// <summary>No such patient in the organization.</summary>
    public sealed record NotFound : PatientOutcome;

    /// <summary>The details break the rules (field → messages).</summary>
    public sealed record Invalid(Dictionary<string, string[]> Errors) : PatientOutcome;

    /// <summary>The client changed a version other than the current one (<see cref="Current"/>, when known).</summary>
    public sealed record VersionMismatch(int? Current) : PatientOutcome;

    /// <summary>The change cannot be made as things are (an identifier of another patient, a record already merged…).</summary>
    public sealed record Conflict(string Reason) : PatientOutcome;
}
