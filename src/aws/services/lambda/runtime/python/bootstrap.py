# Fogbank's runtime interface client for Python functions. It runs in the worker process on the local
# python3, talks to the Runtime API at AWS_LAMBDA_RUNTIME_API as AWS's client does, imports the handler
# named by _HANDLER (module.function, with / or . for packages) from LAMBDA_TASK_ROOT, and calls it with
# the event and a context object (aws_request_id, get_remaining_time_in_millis(), ...). Errors have the
# shape the Lambda Python runtime gives them; logging uses Lambda's format.
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API = os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
HOST, _, PORT = API.rpartition(":")
BASE = "/2018-06-01/runtime"
TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
current_request_id = None


class Api:
    def __init__(self):
        self.conn = None

    def call(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, int(PORT))
            try:
                self.conn.request(method, BASE + path, body=body, headers=headers or {})
                res = self.conn.getresponse()
                data = res.read()
                return res.status, res.headers, data
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise


api = Api()


def post_error(path, payload):
    api.call("POST", path, json.dumps(payload).encode(), {
        "Content-Type": "application/json",
        "Lambda-Runtime-Function-Error-Type": payload.get("errorType", "Unhandled"),
    })


def error_payload(exc, error_type=None):
    tb = traceback.format_list(traceback.extract_tb(exc.__traceback__)) if exc.__traceback__ else []
    # Frames of this file are the runtime's own, as /var/runtime's are hidden in AWS.
    tb = [f for f in tb if __file__ not in f]
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "requestId": current_request_id or "",
        "stackTrace": tb,
    }


def log_error(payload):
    lines = ["[ERROR] %s: %s" % (payload["errorType"], payload["errorMessage"]), "Traceback (most recent call last):"]
    lines += [f.rstrip("\n") for f in payload.get("stackTrace", [])]
    sys.stdout.write("\r".join(lines).replace("\n", "\r") + "\n")
    sys.stdout.flush()


class LambdaLoggerHandler(logging.Handler):
    def emit(self, record):
        try:
            msg = self.format(record)
            sys.stdout.write(msg.replace("\r\n", "\r").replace("\n", "\r") + "\n")
            sys.stdout.flush()
        except Exception:
            self.handleError(record)


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = current_request_id
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "requestId": getattr(record, "aws_request_id", None),
        }
        if record.exc_info:
            entry["errorType"] = record.exc_info[0].__name__
            entry["stackTrace"] = traceback.format_tb(record.exc_info[2])
        return json.dumps(entry, default=str)


def setup_logging():
    handler = LambdaLoggerHandler()
    handler.addFilter(RequestIdFilter())
    if os.environ.get("AWS_LAMBDA_LOG_FORMAT") == "JSON":
        handler.setFormatter(JsonFormatter())
        level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO").upper()
        logging.getLogger().setLevel(getattr(logging, level, logging.INFO))
    else:
        fmt = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S")
        fmt.converter = time.gmtime
        handler.setFormatter(fmt)
    logging.getLogger().addHandler(handler)


def patch_old_botocore():
    """boto3 before 1.28 ignores AWS_ENDPOINT_URL; point its clients at Fogbank as newer ones would."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        return
    import importlib.abc
    import importlib.machinery

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != "botocore.session":
                return None
            sys.meta_path.remove(self)
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            if spec is None or spec.loader is None:
                return spec
            original = spec.loader.exec_module

            def exec_module(mod):
                original(mod)
                try:
                    import botocore
                    version = tuple(int(x) for x in botocore.__version__.split(".")[:2])
                except Exception:
                    return
                if version >= (1, 31):
                    return
                create = mod.Session.create_client

                def create_client(self, service_name, *args, **kwargs):
                    if kwargs.get("endpoint_url") is None and (len(args) < 5 or args[4] is None):
                        kwargs["endpoint_url"] = endpoint
                    return create(self, service_name, *args, **kwargs)

                mod.Session.create_client = create_client

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, Finder())


class Context:
    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self._deadline = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        self.client_context = None
        cc = headers.get("Lambda-Runtime-Client-Context")
        if cc:
            try:
                self.client_context = ClientContext(json.loads(cc))
            except ValueError:
                pass
        ci = headers.get("Lambda-Runtime-Cognito-Identity")
        if ci:
            try:
                self.identity = CognitoIdentity(json.loads(ci))
            except ValueError:
                pass

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline - int(time.time() * 1000))

    def __repr__(self):
        return "LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,memory_limit_in_mb=%s,function_version=%s,invoked_function_arn=%s,client_context=%s,identity=%s])" % (
            self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name, self.memory_limit_in_mb,
            self.function_version, self.invoked_function_arn, self.client_context, self.identity)


class ClientContext:
    def __init__(self, d):
        self.client = d.get("client")
        self.custom = d.get("custom")
        self.env = d.get("env")


class CognitoIdentity:
    def __init__(self, d):
        self.cognito_identity_id = d.get("cognitoIdentityId")
        self.cognito_identity_pool_id = d.get("cognitoIdentityPoolId")


class InitError(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


def load_handler():
    spec = os.environ.get("_HANDLER", "")
    try:
        module_path, function_name = spec.rsplit(".", 1)
    except ValueError:
        raise InitError("Runtime.MalformedHandlerName", "Bad handler '%s': not enough values to unpack (expected 2, got 1)" % spec)
    module_name = module_path.replace("/", ".")
    if module_name.startswith("."):
        raise InitError("Runtime.MalformedHandlerName", "Bad handler '%s': relative module paths are not supported" % spec)
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise InitError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_path, e))
    except SyntaxError as e:
        raise InitError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_path, e))
    handler = getattr(module, function_name, None)
    if handler is None:
        raise InitError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_path))
    return handler


def to_json(value):
    import decimal

    def default(o):
        if isinstance(o, decimal.Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        raise TypeError("Object of type %s is not JSON serializable" % type(o).__name__)

    return json.dumps(value, default=default)


def main():
    global current_request_id
    # The runtime's own directory is not the function's: a module of the function may share a name with it.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, TASK_ROOT)
    setup_logging()
    patch_old_botocore()
    try:
        handler = load_handler()
    except InitError as e:
        payload = {"errorMessage": str(e), "errorType": e.error_type, "requestId": "", "stackTrace": []}
        log_error(payload)
        post_error("/init/error", payload)
        sys.exit(1)
    except Exception as e:
        payload = error_payload(e)
        log_error(payload)
        post_error("/init/error", payload)
        sys.exit(1)
    while True:
        status, headers, body = api.call("GET", "/invocation/next")
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        current_request_id = request_id
        trace = headers.get("Lambda-Runtime-Trace-Id")
        if trace:
            os.environ["_X_AMZN_TRACE_ID"] = trace
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        try:
            event = json.loads(body or b"null")
            result = handler(event, Context(headers))
        except Exception as e:
            sys.stdout.flush()
            payload = error_payload(e)
            log_error(payload)
            post_error("/invocation/%s/error" % request_id, payload)
            continue
        try:
            data = to_json(result).encode()
        except (TypeError, ValueError) as e:
            sys.stdout.flush()
            payload = {"errorMessage": "Unable to marshal response: %s" % e, "errorType": "Runtime.MarshalError", "requestId": request_id, "stackTrace": []}
            log_error(payload)
            post_error("/invocation/%s/error" % request_id, payload)
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        api.call("POST", "/invocation/%s/response" % request_id, data, {"Content-Type": "application/json"})


if __name__ == "__main__":
    main()
