// AWS managed policies (`arn:aws:iam::aws:policy/...`). Their catalogue — names and real documents
// from a maintained source — is another piece of issue 12; until it lands, any well-formed AWS managed
// policy ARN is taken to exist, so that the everyday `attach-role-policy ... AWSLambdaBasicExecutionRole`
// works. GetPolicy/ListPolicies do not list them yet: there is no document to show.
export function isAwsManagedPolicy(arn: string): boolean {
  return /^arn:aws[a-z-]*:iam::aws:policy\//.test(arn);
}
