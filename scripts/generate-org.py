#!/usr/bin/env python3
"""Writes a synthetic AWS organisation for iamlint's benchmark (python3 stdlib only).

    scripts/generate-org.py OUT [--accounts 1000] [--principals 100] [--seed 1]

The organisation has one identity account (account 0), where people live as IAM users in
groups, and workload accounts whose roles trust it. Each account is one CloudFormation JSON
template, `OUT/accounts/NNNN-<id>/iam.json`, holding exactly --principals principals (users and
groups in the identity account, roles and a few users elsewhere) plus one customer-managed policy.
`OUT/.iamlint.yml` names every account and the folder that deploys into it.

Edges, so that graph work is exercised at scale:
- trust: workload admin roles trust the identity account's root (most with an MFA condition);
  deploy roles trust named app roles of the previous account; app roles trust a service.
- assume: identity groups may assume named roles in a handful of accounts and `ReadOnly-*` roles
  in every account (a wildcard in the account part); app roles may assume deploy roles of the
  next account; a few principals use `arn:aws:iam::<id>:role/*`.
- grants: managed policies attached by literal ARN, by `Ref`, AWS-managed ARNs, group grants.

The output is a pure function of the arguments (no clock, no randomness beyond --seed).
"""
import argparse
import json
import os
import random
import shutil

IDENTITY = 0


def account_id(i):
    return "%012d" % (100000000000 + i * 7919)


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource, **extra):
    s = {"Effect": "Allow", "Action": action, "Resource": resource}
    s.update(extra)
    return s


def identity_account(n, accounts, rng):
    """Users and groups; the groups carry the assume-role rights."""
    resources = {}
    groups = max(1, n // 5)
    users = n - groups
    ident = account_id(IDENTITY)
    for g in range(groups):
        targets = sorted({rng.randrange(1, accounts) for _ in range(5)}) if accounts > 1 else []
        resources["Group%d" % g] = {
            "Type": "AWS::IAM::Group",
            "Properties": {
                "GroupName": "team-%d" % g,
                "Policies": [{
                    "PolicyName": "assume",
                    "PolicyDocument": doc(
                        allow("sts:AssumeRole", ["arn:aws:iam::%s:role/Admin-%d" % (account_id(t), g % 10) for t in targets]),
                        allow("sts:AssumeRole", "arn:aws:iam::*:role/ReadOnly-%d" % (g % 10)),
                    ),
                }],
            },
        }
    resources["RequireMFA"] = {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "ManagedPolicyName": "RequireMFA",
            "Groups": [{"Ref": "Group%d" % g} for g in range(groups)],
            "PolicyDocument": doc({
                "Effect": "Deny", "NotAction": ["iam:*MFADevice", "sts:GetSessionToken"], "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
            }),
        },
    }
    for u in range(users):
        props = {"UserName": "person-%d" % u, "Groups": ["team-%d" % (u % groups), "team-%d" % ((u * 7) % groups)]}
        if u % 10 == 0:
            props["LoginProfile"] = {"Password": {"Ref": "AWS::NoValue"}}
        if u % 25 == 0:
            props["Policies"] = [{"PolicyName": "direct", "PolicyDocument": doc(
                allow("sts:AssumeRole", "arn:aws:iam::%s:role/*" % account_id(rng.randrange(1, max(2, accounts)))))}]
        if u % 40 == 0:
            props["ManagedPolicyArns"] = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
        resources["User%d" % u] = {"Type": "AWS::IAM::User", "Properties": props}
    return resources


def workload_account(i, n, accounts, rng):
    """Roles (admin, read-only, app, deploy) and a few users, with trust and assume edges."""
    ident = account_id(IDENTITY)
    me = account_id(i)
    nxt = account_id(i + 1 if i + 1 < accounts else 1)
    prev = account_id(i - 1 if i - 1 >= 1 else accounts - 1)
    resources = {
        "DeployPolicy": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "ManagedPolicyName": "deploy-%d" % i,
                "PolicyDocument": doc(
                    allow(["cloudformation:*", "s3:GetObject", "s3:PutObject"], "*"),
                    allow("iam:PassRole", "arn:aws:iam::%s:role/App-*" % me),
                ),
            },
        }
    }
    kinds = ["Admin", "ReadOnly", "App", "Deploy"]
    users = max(0, n // 20)
    roles = n - users
    for r in range(roles):
        kind = kinds[r % 4]
        k = r // 4
        name = "%s-%d" % (kind, k)
        props = {"RoleName": name}
        if kind in ("Admin", "ReadOnly"):
            stmt = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ident}, "Action": "sts:AssumeRole"}
            if kind == "ReadOnly" or rng.random() < 0.95:
                stmt["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
            props["AssumeRolePolicyDocument"] = doc(stmt)
            props["ManagedPolicyArns"] = ["arn:aws:iam::aws:policy/%s" % ("AdministratorAccess" if kind == "Admin" else "ReadOnlyAccess")]
        elif kind == "App":
            service = ["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"][k % 3]
            props["AssumeRolePolicyDocument"] = doc({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})
            props["Policies"] = [{"PolicyName": "next-hop", "PolicyDocument": doc(
                allow("sts:AssumeRole", "arn:aws:iam::%s:role/Deploy-%d" % (nxt, k)),
                allow(["s3:GetObject", "sqs:SendMessage"], "arn:aws:s3:::bucket-%d/*" % i),
            )}]
            if k % 10 == 0:
                props["ManagedPolicyArns"] = [{"Ref": "DeployPolicy"}]
        else:  # Deploy
            props["AssumeRolePolicyDocument"] = doc({
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"AWS": ["arn:aws:iam::%s:role/App-%d" % (prev, k), "arn:aws:iam::%s:root" % ident]},
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}} if k % 2 else {"StringEquals": {"sts:ExternalId": "x%d" % k}},
            })
            props["ManagedPolicyArns"] = ["arn:aws:iam::%s:policy/deploy-%d" % (me, i)]
            if k % 7 == 0:
                props["Policies"] = [{"PolicyName": "wide", "PolicyDocument": doc(allow("sts:AssumeRole", "arn:aws:iam::%s:role/*" % me))}]
        resources["Role%d" % r] = {"Type": "AWS::IAM::Role", "Properties": props}
    for u in range(users):
        resources["LocalUser%d" % u] = {"Type": "AWS::IAM::User", "Properties": {
            "UserName": "svc-%d-%d" % (i, u),
            "Policies": [{"PolicyName": "assume", "PolicyDocument": doc(allow("sts:AssumeRole", "arn:aws:iam::%s:role/ReadOnly-%d" % (me, u)))}],
        }}
    return resources


def write_template(path, resources, description):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write('{"AWSTemplateFormatVersion":"2010-09-09","Description":%s,"Resources":{\n' % json.dumps(description))
        items = list(resources.items())
        for n, (name, body) in enumerate(items):
            f.write("%s:%s%s\n" % (json.dumps(name), json.dumps(body, separators=(",", ":")), "," if n + 1 < len(items) else ""))
        f.write("}}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--accounts", type=int, default=1000)
    ap.add_argument("--principals", type=int, default=100, help="principals per account")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.accounts < 1 or args.principals < 2:
        ap.error("need at least 1 account and 2 principals per account")
    rng = random.Random(args.seed)
    out = args.out
    if os.path.isdir(os.path.join(out, "accounts")):
        shutil.rmtree(os.path.join(out, "accounts"))
    os.makedirs(out, exist_ok=True)
    config = ["# Generated by scripts/generate-org.py: %d accounts x %d principals." % (args.accounts, args.principals), "accounts:"]
    for i in range(args.accounts):
        folder = "accounts/%04d-%s" % (i, account_id(i))
        if i == IDENTITY:
            resources = identity_account(args.principals, args.accounts, rng)
        else:
            resources = workload_account(i, args.principals, args.accounts, rng)
        write_template(os.path.join(out, folder, "iam.json"), resources, "account %d" % i)
        config += ["  %s:" % ("identity" if i == IDENTITY else "workload-%04d" % i),
                   '    id: "%s"' % account_id(i),
                   '    paths: ["%s/**"]' % folder]
        if i == IDENTITY:
            config.append("    identity: true")
    with open(os.path.join(out, ".iamlint.yml"), "w") as f:
        f.write("\n".join(config) + "\n")
    print("wrote %d accounts x %d principals = %d principals to %s" % (args.accounts, args.principals, args.accounts * args.principals, out))


if __name__ == "__main__":
    main()
