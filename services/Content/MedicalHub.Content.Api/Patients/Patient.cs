using MedicalHub.Data.Tenancy;

namespace MedicalHub.Content.Api.Patients;

/// <summary>
/// A patient of one organization: the registry entry every clinical record hangs from. Names, contact points and
/// addresses are kept as written (jsonb); identifiers and name search terms have tables of their own, for search. Every
/// change adds a <see cref="PatientVersion"/>; <see cref="Version"/> is the optimistic concurrency token (ETag, FHIR versionId).
/// A record merged into another stays, inactive, pointing at its survivor (<see cref="MergedIntoId"/>).
/// </summary>
public sealed class Patient : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public bool Active { get; set; } = true;

    public List<PatientName> Names { get; set; } = [];

    public DateOnly? BirthDate { get; set; }

    /// <summary>Administrative gender, FHIR's codes: <c>male</c>, <c>female</c>, <c>other</c>, <c>unknown</c>.</summary>
    public string? Gender { get; set; }

    public List<ContactPoint> Telecom { get; set; } = [];

    public List<PatientAddress> Addresses { get; set; } = [];

    public List<PatientIdentifier> Identifiers { get; set; } = [];

    public List<PatientNameTerm> NameTerms { get; set; } = [];

    /// <summary>The record this one was merged into (FHIR link <c>replaced-by</c>); null for a record in use.</summary>
    public Guid? MergedIntoId { get; set; }

    /// <summary>1 when created, +1 on every change: the concurrency token.</summary>
    public int Version { get; set; } = 1;

    /// <summary>The first name as "family given", normalized (<see cref="PatientNames.Normalize"/>): the search order.</summary>
    public string SortName { get; set; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    public Guid? CreatedBy { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? UpdatedBy { get; set; }
}

/// <summary>A name as written (FHIR HumanName): <c>use</c> is FHIR's code (official, usual, nickname, maiden, old…).</summary>
public sealed record PatientName(string? Use, string? Family, IReadOnlyList<string>? Given = null, IReadOnlyList<string>? Prefix = null, IReadOnlyList<string>? Suffix = null, string? Text = null);

/// <summary>A phone number, e-mail… (FHIR ContactPoint): <c>system</c> phone, fax, email, pager, url, sms, other; <c>use</c> home, work, temp, old, mobile.</summary>
public sealed record ContactPoint(string? System, string? Value, string? Use = null, int? Rank = null);

/// <summary>A postal address (FHIR Address).</summary>
public sealed record PatientAddress(string? Use, IReadOnlyList<string>? Line, string? City, string? District = null, string? State = null, string? PostalCode = null, string? Country = null);

/// <summary>
/// An identifier of the patient within the organization: a system URI and a value (an MRN, a national number…),
/// unique per organization. <c>TypeCode</c> is HL7 v2 table 0203 (MR, NI, SS, PPN…).
/// </summary>
public sealed class PatientIdentifier : IOrganizationOwned
{
    public long Id { get; init; }

    public Guid OrganizationId { get; init; }

    public Guid PatientId { get; set; }

    public required string System { get; init; }

    public required string Value { get; init; }

    public string? Use { get; set; }

    public string? TypeCode { get; init; }
}

/// <summary>
/// One word of a patient's names, normalized for search (lower case, no diacritics): prefix search on <see cref="Term"/>,
/// phonetic search on its double metaphone codes (computed by Postgres' fuzzystrmatch into generated columns).
/// </summary>
public sealed class PatientNameTerm : IOrganizationOwned
{
    public long Id { get; init; }

    public Guid OrganizationId { get; init; }

    public Guid PatientId { get; init; }

    public required string Term { get; init; }

    /// <summary>A word of a family name (the FHIR <c>family</c> parameter searches only these).</summary>
    public bool IsFamily { get; init; }

    public string? Phonetic { get; private set; }

    public string? PhoneticAlternative { get; private set; }
}

/// <summary>What a patient record was at one version: kept for history and FHIR vread.</summary>
public sealed class PatientVersion : IOrganizationOwned
{
    public long Id { get; init; }

    public Guid OrganizationId { get; init; }

    public Guid PatientId { get; init; }

    public int Version { get; init; }

    /// <summary>created, updated, merged (this record was merged into another), absorbed (another was merged into it).</summary>
    public required string Change { get; init; }

    /// <summary>The record at this version, as the native API shows it (<see cref="PatientView"/>), JSON.</summary>
    public required string Snapshot { get; init; }

    public DateTimeOffset RecordedAt { get; init; }

    public Guid? RecordedBy { get; init; }
}
