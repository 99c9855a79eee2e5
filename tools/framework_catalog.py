"""The requirements of each external framework the standard cites (docs/standard.md 0.7).

Requirement IDs and titles are the framework's own. Each list holds every requirement the
standard cites plus those of the framework's scope we know to exist and do not cover; a
framework whose list is the whole scope says ``complete: True``. ``tools/gen_frameworks.py``
joins these lists with the references of ``rules/controls.yaml`` into ``rules/frameworks/``.
"""

from __future__ import annotations

from typing import Any

Requirement = tuple[str, str]  # (framework's ID, framework's title)

_PSS_BASELINE: list[Requirement] = [
    ("HostProcess", "Windows Pods must not run HostProcess containers"),
    ("Host Namespaces", "Sharing the host namespaces (network, PID, IPC) must be disallowed"),
    ("Privileged Containers", "Privileged Pods disable most security mechanisms"),
    ("Capabilities", "Adding capabilities beyond the default set must be disallowed"),
    ("HostPath Volumes", "HostPath volumes must be forbidden"),
    ("Host Ports", "HostPorts should be disallowed or restricted to a known list"),
    ("Host Probes / Lifecycle Hooks", "Probes and lifecycle hooks must not target other hosts"),
    ("AppArmor", "The default AppArmor profile must not be overridden or disabled"),
    ("SELinux", "Setting a custom SELinux user or role option is forbidden"),
    ("/proc Mount Type", "The default /proc masks must not be disabled (procMount: Default)"),
    ("Seccomp", "The seccomp profile must not be explicitly set to Unconfined"),
    ("Sysctls", "Only the safe subset of sysctls may be set"),
]
_PSS_RESTRICTED: list[Requirement] = [
    ("Volume Types", "Only ephemeral, projected and claim-backed volume types are allowed"),
    ("Privilege Escalation", "Privilege escalation (allowPrivilegeEscalation) must be false"),
    ("Running as Non-root", "Containers must run as non-root users (runAsNonRoot: true)"),
    ("Running as Non-root user", "Containers must not set runAsUser to 0"),
    ("Seccomp", "The seccomp profile must be RuntimeDefault or Localhost"),
    ("Capabilities", "Containers must drop ALL capabilities and add at most NET_BIND_SERVICE"),
]

_CIS_K8S: list[Requirement] = [
    ("5.1.1", "Ensure that the cluster-admin role is only used where required"),
    ("5.1.2", "Minimize access to secrets"),
    ("5.1.3", "Minimize wildcard use in Roles and ClusterRoles"),
    ("5.1.4", "Minimize access to create pods"),
    ("5.1.5", "Ensure that default service accounts are not actively used"),
    ("5.1.6", "Ensure that Service Account Tokens are only mounted where necessary"),
    ("5.1.7", "Avoid use of system:masters group"),
    ("5.1.8", "Limit use of the Bind, Impersonate and Escalate permissions"),
    ("5.1.9", "Minimize access to create persistent volumes"),
    ("5.1.10", "Minimize access to the proxy sub-resource of nodes"),
    ("5.1.11", "Minimize access to the approval sub-resource of certificatesigningrequests"),
    ("5.1.12", "Minimize access to webhook configuration objects"),
    ("5.1.13", "Minimize access to the service account token creation"),
    ("5.2.1", "Ensure that the cluster has at least one active policy control mechanism"),
    ("5.2.2", "Minimize the admission of privileged containers"),
    ("5.2.3", "Minimize the admission of containers sharing the host process ID namespace"),
    ("5.2.4", "Minimize the admission of containers sharing the host IPC namespace"),
    ("5.2.5", "Minimize the admission of containers sharing the host network namespace"),
    ("5.2.6", "Minimize the admission of containers with allowPrivilegeEscalation"),
    ("5.2.7", "Minimize the admission of root containers"),
    ("5.2.8", "Minimize the admission of containers with the NET_RAW capability"),
    ("5.2.9", "Minimize the admission of containers with added capabilities"),
    ("5.2.10", "Minimize the admission of containers with capabilities assigned"),
    ("5.2.11", "Minimize the admission of Windows HostProcess containers"),
    ("5.2.12", "Minimize the admission of HostPath volumes"),
    ("5.2.13", "Minimize the admission of containers which use HostPorts"),
    ("5.3.1", "Ensure that the CNI in use supports NetworkPolicies"),
    ("5.3.2", "Ensure that all Namespaces have NetworkPolicies defined"),
    ("5.4.1", "Prefer using Secrets as files over Secrets as environment variables"),
    ("5.4.2", "Consider external secret storage"),
    ("5.5.1", "Configure Image Provenance using ImagePolicyWebhook admission controller"),
    ("5.7.1", "Create administrative boundaries between resources using namespaces"),
    ("5.7.2", "Ensure that the seccomp profile is set to RuntimeDefault in Pod definitions"),
    ("5.7.3", "Apply SecurityContext to your Pods and Containers"),
    ("5.7.4", "The default namespace should not be used"),
]

_NSA_K8S: list[Requirement] = [
    ("Kubernetes Pod security", "Kubernetes Pod security"),
    ("Non-root containers", "Non-root containers and rootless container engines"),
    ("Immutable container file systems", "Immutable container file systems"),
    ("Building secure container images", "Building secure container images"),
    ("Pod security enforcement", "Pod security enforcement"),
    ("Protecting Pod service account tokens", "Protecting Pod service account tokens"),
    ("Hardening container environments", "Hardening container environments"),
    ("Namespaces", "Network separation: namespaces"),
    ("Network policies", "Network policies"),
    ("Resource policies", "Resource policies"),
    ("Control plane hardening", "Control plane hardening (etcd, kubeconfig files)"),
    ("Worker node segmentation", "Worker node segmentation"),
    ("Encryption", "Encryption of traffic and data at rest"),
    ("Secrets", "Secrets"),
    ("Sensitive cloud infrastructure", "Protecting sensitive cloud infrastructure"),
    ("Authentication and authorization", "Authentication and authorization (users, RBAC)"),
    ("Audit logging and threat detection", "Audit logging and threat detection"),
    ("Upgrading and application security practices", "Upgrading and application security"),
]

_CIS_AWS: list[Requirement] = [
    ("1.4", "Ensure no 'root' user account access key exists"),
    ("1.14", "Ensure access keys are rotated every 90 days or less"),
    ("1.15", "Ensure IAM Users Receive Permissions Only Through Groups"),
    (
        "1.16",
        'Ensure IAM policies that allow full "*:*" administrative privileges are not attached',
    ),
    ("2.1.1", "Ensure S3 Bucket Policy is set to deny HTTP requests"),
    ("2.1.2", "Ensure MFA Delete is enabled on S3 buckets"),
    ("2.1.4", "Ensure that S3 Buckets are configured with 'Block public access'"),
    ("2.2.1", "Ensure EBS Volume Encryption is Enabled in all Regions"),
    ("2.3.1", "Ensure that encryption-at-rest is enabled for RDS Instances"),
    ("2.3.2", "Ensure Auto Minor Version Upgrade feature is Enabled for RDS Instances"),
    ("2.3.3", "Ensure that public access is not given to RDS Instance"),
    ("2.4.1", "Ensure that encryption is enabled for EFS file systems"),
    ("3.1", "Ensure CloudTrail is enabled in all regions"),
    ("3.2", "Ensure CloudTrail log file validation is enabled"),
    ("3.3", "Ensure AWS Config is enabled in all regions"),
    ("3.4", "Ensure that S3 Bucket access logging is enabled on the CloudTrail S3 bucket"),
    ("3.5", "Ensure CloudTrail logs are encrypted at rest using KMS CMKs"),
    ("3.6", "Ensure rotation for customer-created symmetric CMKs is enabled"),
    ("3.7", "Ensure VPC flow logging is enabled in all VPCs"),
    ("3.8", "Ensure that object-level logging for write events is enabled for S3 buckets"),
    ("3.9", "Ensure that object-level logging for read events is enabled for S3 buckets"),
    ("5.1", "Ensure no Network ACLs allow ingress from 0.0.0.0/0 to administration ports"),
    ("5.2", "Ensure no security groups allow ingress from 0.0.0.0/0 to administration ports"),
    ("5.3", "Ensure no security groups allow ingress from ::/0 to administration ports"),
    ("5.4", "Ensure the default security group of every VPC restricts all traffic"),
    ("5.5", 'Ensure routing tables for VPC peering are "least access"'),
    ("5.6", "Ensure that EC2 Metadata Service only allows IMDSv2"),
]

_CIS_AZ: list[Requirement] = [
    ("3.1", "Ensure that 'Secure transfer required' is set to 'Enabled'"),
    ("3.7", "Ensure that 'Public access level' is disabled for storage accounts"),
    ("3.8", "Ensure the default network access rule for storage accounts is set to Deny"),
    ("3.15", "Ensure the 'Minimum TLS version' for storage accounts is set to 'Version 1.2'"),
    ("4.1.1", "Ensure that 'Auditing' is set to 'On' for SQL servers"),
    ("4.1.2", "Ensure no Azure SQL Databases allow ingress from 0.0.0.0/0 (ANY IP)"),
    ("4.1.3", "Ensure SQL server's TDE protector is encrypted with a customer-managed key"),
    ("4.3.x", "PostgreSQL Database Server settings (section 4.3)"),
    ("4.4.x", "MySQL Database settings (section 4.4)"),
    ("6.1", "Ensure that RDP access from the Internet is evaluated and restricted"),
    ("6.2", "Ensure that SSH access from the Internet is evaluated and restricted"),
    ("6.3", "Ensure that UDP access from the Internet is evaluated and restricted"),
    ("6.4", "Ensure that HTTP(S) access from the Internet is evaluated and restricted"),
    ("8.1", "Ensure that the Expiration Date is set for all Keys in RBAC Key Vaults"),
    ("8.2", "Ensure that the Expiration Date is set for all Keys in Non-RBAC Key Vaults"),
    ("8.3", "Ensure that the Expiration Date is set for all Secrets in RBAC Key Vaults"),
    ("8.4", "Ensure that the Expiration Date is set for all Secrets in Non-RBAC Key Vaults"),
    ("8.5", "Ensure the Key Vault is Recoverable"),
    ("8.6", "Enable Role Based Access Control for Azure Key Vault"),
    ("8.7", "Ensure that Private Endpoints are Used for Azure Key Vault"),
    ("9.2", "Ensure Web App redirects all HTTP traffic to HTTPS"),
    ("9.3", "Ensure Web App is using the latest version of TLS encryption"),
    ("9.10", "Ensure FTP deployments are Disabled"),
]

_CIS_GCP: list[Requirement] = [
    ("1.4", "Ensure that there are only GCP-managed service account keys"),
    ("1.5", "Ensure that Service Account has no Admin privileges"),
    ("1.6", "Ensure that IAM users are not assigned Service Account User or Token Creator roles"),
    ("3.1", "Ensure that the default network does not exist in a project"),
    ("3.6", "Ensure that SSH access is restricted from the internet"),
    ("3.7", "Ensure that RDP access is restricted from the Internet"),
    ("3.8", "Ensure that VPC Flow Logs is enabled for every subnet in a VPC network"),
    ("4.1", "Ensure that instances are not configured to use the default service account"),
    ("4.2", "Ensure instances do not use the default service account with full API access"),
    ("4.3", "Ensure 'Block Project-wide SSH keys' is enabled for VM instances"),
    ("4.4", "Ensure oslogin is enabled for a Project"),
    ("4.5", "Ensure 'Enable connecting to serial ports' is not enabled for VM Instance"),
    ("4.6", "Ensure that IP forwarding is not enabled on Instances"),
    ("4.7", "Ensure VM disks for critical VMs are encrypted with CSEK"),
    ("4.8", "Ensure Compute instances are launched with Shielded VM enabled"),
    ("4.9", "Ensure that Compute instances do not have public IP addresses"),
    ("5.1", "Ensure that Cloud Storage bucket is not anonymously or publicly accessible"),
    ("5.2", "Ensure that Cloud Storage buckets have uniform bucket-level access enabled"),
    ("6.4", "Ensure that the Cloud SQL database instance requires SSL for all connections"),
    ("6.5", "Ensure Cloud SQL instances do not implicitly whitelist all public IP addresses"),
    ("6.6", "Ensure that Cloud SQL database instances do not have public IPs"),
    ("6.7", "Ensure that Cloud SQL database instances are configured with automated backups"),
]

_CIS_EKS: list[Requirement] = [
    ("2.1.1", "Enable audit logs"),
    ("5.1.1", "Ensure image vulnerability scanning using Amazon ECR image scanning"),
    ("5.1.2", "Minimize user access to Amazon ECR"),
    ("5.1.3", "Minimize cluster access to read-only for Amazon ECR"),
    ("5.3.1", "Ensure Kubernetes Secrets are encrypted using CMKs managed in AWS KMS"),
    ("5.4.1", "Restrict access to the control plane endpoint"),
    ("5.4.2", "Ensure clusters are created with private endpoint enabled, public access off"),
    ("5.4.3", "Ensure clusters are created with private nodes"),
    ("5.4.4", "Ensure Network Policy is enabled and set as appropriate"),
    ("5.4.5", "Encrypt traffic to HTTPS load balancers with TLS certificates"),
]

_CIS_AKS: list[Requirement] = [
    ("2.1.1", "Enable audit logs"),
    ("5.4.1", "Restrict access to the control plane endpoint"),
    ("5.4.2", "Ensure clusters are created with private endpoint enabled, public access off"),
    ("5.4.3", "Ensure clusters are created with private nodes"),
    ("5.4.4", "Ensure Network Policy is enabled and set as appropriate"),
    ("5.4.5", "Encrypt traffic to HTTPS load balancers with TLS certificates"),
    ("5.5.1", "Manage Kubernetes RBAC users with Azure AD"),
    ("5.5.2", "Use Azure RBAC for Kubernetes authorization"),
]

_CIS_GKE: list[Requirement] = [
    ("5.2.1", "Ensure GKE clusters are not running using the Compute Engine default SA"),
    ("5.3.1", "Ensure Kubernetes Secrets are encrypted using keys managed in Cloud KMS"),
    ("5.4.1", "Ensure legacy Compute Engine instance metadata APIs are disabled"),
    ("5.4.2", "Ensure the GKE Metadata Server is enabled"),
    ("5.5.1", "Ensure Container-Optimized OS (cos_containerd) is used for node images"),
    ("5.5.2", "Ensure Node Auto-Repair is enabled for GKE nodes"),
    ("5.5.3", "Ensure Node Auto-Upgrade is enabled for GKE nodes"),
    ("5.5.4", "Automate GKE version management using Release Channels"),
    ("5.5.5", "Ensure Shielded GKE Nodes are enabled"),
    ("5.5.6", "Ensure Integrity Monitoring for Shielded GKE Nodes is enabled"),
    ("5.5.7", "Ensure Secure Boot for Shielded GKE Nodes is enabled"),
    ("5.6.1", "Enable VPC Flow Logs and Intranode Visibility"),
    ("5.6.2", "Ensure use of VPC-native clusters"),
    ("5.6.3", "Ensure Control Plane Authorized Networks is enabled"),
    ("5.6.4", "Ensure clusters are created with private endpoint enabled, public access off"),
    ("5.6.5", "Ensure clusters are created with private nodes"),
    ("5.6.7", "Ensure Network Policy is enabled and set as appropriate"),
    ("5.7.1", "Ensure Logging and Cloud Monitoring is enabled"),
    ("5.8.1", "Ensure Basic Authentication using static passwords is disabled"),
    ("5.8.2", "Ensure authentication using client certificates is disabled"),
    ("5.8.3", "Manage Kubernetes RBAC users with Google Groups for GKE"),
    ("5.8.4", "Ensure Legacy Authorization (ABAC) is disabled"),
]

_OSSF_SC: list[Requirement] = [
    (name, title)
    for name, title in [
        ("Binary-Artifacts", "The project is free of checked-in binaries"),
        ("Branch-Protection", "Default and release branches are protected"),
        ("CI-Tests", "The project runs tests before pull requests are merged"),
        ("CII-Best-Practices", "The project has an OpenSSF Best Practices badge"),
        ("Code-Review", "Changes are reviewed before they are merged"),
        ("Contributors", "The project has contributors from several organisations"),
        (
            "Dangerous-Workflow",
            "Workflows avoid dangerous patterns (untrusted checkout, injection)",
        ),
        ("Dependency-Update-Tool", "The project uses a dependency update tool"),
        ("Fuzzing", "The project uses fuzzing"),
        ("License", "The project declares a licence"),
        ("Maintained", "The project is actively maintained"),
        ("Packaging", "The project builds and publishes official packages from CI"),
        ("Pinned-Dependencies", "Dependencies (actions, images, downloads) are pinned"),
        ("SAST", "The project uses static application security testing"),
        ("SBOM", "The project publishes a software bill of materials"),
        ("Security-Policy", "The project has a security policy"),
        ("Signed-Releases", "The project cryptographically signs its releases"),
        ("Token-Permissions", "Workflow tokens follow least privilege"),
        ("Vulnerabilities", "The project has no open, unfixed vulnerabilities"),
        ("Webhooks", "Webhooks are authenticated with a secret"),
    ]
]

_GH_HARD: list[Requirement] = [
    ("Using secrets", "Using secrets"),
    ("Understanding the risk of script injections", "Understanding the risk of script injections"),
    (
        "Good practices for mitigating script injection attacks",
        "Good practices for mitigating script injection attacks",
    ),
    (
        "Mitigating the risks of untrusted code checkout",
        "Mitigating the risks of untrusted code checkout (pull request code)",
    ),
    (
        "Using OpenID Connect to access cloud resources",
        "Using OpenID Connect to access cloud resources",
    ),
    ("Using environments", "Using environments (deployment protection, OIDC subject binding)"),
    ("Using third-party actions", "Using third-party actions (pin to a full-length commit SHA)"),
    (
        "Using Dependabot version updates to keep actions up to date",
        "Using Dependabot version updates to keep actions up to date",
    ),
    (
        "Modifying the permissions for the GITHUB_TOKEN",
        "Modifying the permissions for the GITHUB_TOKEN",
    ),
    ("Using code scanning to secure workflows", "Using code scanning to secure workflows"),
    ("Using CODEOWNERS to monitor changes", "Using CODEOWNERS to monitor changes"),
    ("Using OpenSSF Scorecards to secure workflows", "Using OpenSSF Scorecards"),
    ("Hardening for self-hosted runners", "Hardening for self-hosted runners"),
    ("Auditing GitHub Actions events", "Auditing GitHub Actions events"),
]

# id -> how the framework is described; ``key`` is its reference key in the standard (0.7).
FRAMEWORKS: dict[str, dict[str, Any]] = {
    "pss-baseline": {
        "key": "PSS-B",
        "name": "Kubernetes Pod Security Standards — Baseline",
        "url": "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        "complete": True,
        "requirements": _PSS_BASELINE,
    },
    "pss-restricted": {
        "key": "PSS-R",
        "name": "Kubernetes Pod Security Standards — Restricted (includes Baseline)",
        "url": "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        "complete": True,
        "includes": "pss-baseline",
        "requirements": _PSS_RESTRICTED,
    },
    "cis-k8s": {
        "key": "CIS-K8S",
        "name": 'CIS Kubernetes Benchmark, section 5 "Policies"',
        "url": "https://www.cisecurity.org/benchmark/kubernetes",
        "complete": True,
        "requirements": _CIS_K8S,
    },
    "nsa-k8s": {
        "key": "NSA-K8S",
        "name": "NSA/CISA Kubernetes Hardening Guidance v1.2",
        "url": "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
        "complete": True,
        "requirements": _NSA_K8S,
    },
    "cis-aws": {
        "key": "CIS-AWS",
        "name": "CIS Amazon Web Services Foundations Benchmark v3.0.0",
        "url": "https://www.cisecurity.org/benchmark/amazon_web_services",
        "complete": False,
        "requirements": _CIS_AWS,
    },
    "cis-azure": {
        "key": "CIS-AZ",
        "name": "CIS Microsoft Azure Foundations Benchmark v2.0.0",
        "url": "https://www.cisecurity.org/benchmark/azure",
        "complete": False,
        "requirements": _CIS_AZ,
    },
    "cis-gcp": {
        "key": "CIS-GCP",
        "name": "CIS Google Cloud Platform Foundation Benchmark v2.0.0",
        "url": "https://www.cisecurity.org/benchmark/google_cloud_computing_platform",
        "complete": False,
        "requirements": _CIS_GCP,
    },
    "cis-eks": {
        "key": "CIS-EKS",
        "name": "CIS Amazon EKS Benchmark",
        "url": "https://www.cisecurity.org/benchmark/kubernetes",
        "complete": False,
        "requirements": _CIS_EKS,
    },
    "cis-aks": {
        "key": "CIS-AKS",
        "name": "CIS Azure Kubernetes Service (AKS) Benchmark",
        "url": "https://www.cisecurity.org/benchmark/kubernetes",
        "complete": False,
        "requirements": _CIS_AKS,
    },
    "cis-gke": {
        "key": "CIS-GKE",
        "name": "CIS Google Kubernetes Engine (GKE) Benchmark",
        "url": "https://www.cisecurity.org/benchmark/kubernetes",
        "complete": False,
        "requirements": _CIS_GKE,
    },
    "ossf-scorecard": {
        "key": "OSSF-SC",
        "name": "OpenSSF Scorecard checks",
        "url": "https://github.com/ossf/scorecard/blob/main/docs/checks.md",
        "complete": True,
        "requirements": _OSSF_SC,
    },
    "github-hardening": {
        "key": "GH-HARD",
        "name": "GitHub Actions security hardening (secure use reference)",
        "url": "https://docs.github.com/en/actions/reference/security/secure-use",
        "complete": False,
        "requirements": _GH_HARD,
    },
}

# Citations whose words differ from the framework's section title.
ALIASES: dict[tuple[str, str], str] = {
    ("GH-HARD", "(untrusted PR code)"): "Mitigating the risks of untrusted code checkout",
    ("GH-HARD", "Using OpenID Connect…"): "Using OpenID Connect to access cloud resources",
}
