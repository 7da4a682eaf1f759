import { Router } from 'express';
import type { Config } from '../config/loadConfig.js';
import type { Operation } from '../contract/operation.js';
import { UafStatusCode } from '../contract/errors.js';
import { ApiError } from './apiError.js';
import { consumes, produces, resource } from './contentNegotiation.js';
import type { Operations } from './operations.js';
import { requireRelyingParty } from './relyingParty.js';
import { dispatchTokenRequestSchema, getUafRequestSchemas, operationOps, parseBody, redeemRequestSchema } from './schemas.js';

export interface TokenRoutesDependencies {
  config: Config;
  operations: Operations;
}

const operations: Operation[] = ['registration', 'authentication', 'deregistration'];
const requestInvalid = UafStatusCode.requestInvalid;

/** The out-of-band services: Dispatch Token (endpoint 12, RP) and Redeem Token (endpoint 13, phone). */
export function createTokenRouter({ config, operations: ops }: TokenRoutesDependencies): Router {
  const router = Router();
  const relyingParty = requireRelyingParty(config.rpApiKeys);

  for (const operation of operations) {
    resource(router, `/nevisfido/token/dispatch/${operation}`, {
      post: [
        relyingParty,
        consumes('application/json'),
        produces('application/json'),
        async (req, res) => {
          const body = parseBody(dispatchTokenRequestSchema, req.body);
          if (body.getUafRequest.op !== operationOps[operation]) {
            throw new ApiError('invalidRequest', `getUafRequest.op must be ${operationOps[operation]} for ${operation}.`, requestInvalid);
          }
          const options = {
            dispatcher: body.dispatcher,
            dispatchTargetId: body.dispatchTargetId,
            dispatchInformation: body.dispatchInformation,
            channelLinking: body.channelLinking?.mode,
            timeoutSeconds: body.timeoutSeconds,
          };
          if (body.fallbackFor) {
            res.json(await ops.redispatch(operation, body.fallbackFor, options));
            return;
          }
          const { context } = parseBody(getUafRequestSchemas[operation], body.getUafRequest, requestInvalid);
          const input = {
            username: 'username' in context ? context.username : undefined,
            ...('transaction' in context && context.transaction && { transaction: context.transaction }),
            ...('mode' in context && {
              deregistration: {
                mode: context.mode,
                ...('aaid' in context && { aaids: context.aaid }),
                ...('keyId' in context && { keyIds: context.keyId }),
              },
            }),
          };
          res.json(await ops.dispatch(operation, input, { ...options, sessionPolicy: body.sessionPolicy }));
        },
      ],
    });

    resource(router, `/nevisfido/token/redeem/${operation}`, {
      post: [
        consumes('application/json'),
        produces('application/fido+uaf'),
        async (req, res) => {
          const body = parseBody(redeemRequestSchema, req.body);
          const returned = await ops.redeem(operation, body);
          // Deny: the operation ended as the user wished; nothing to answer.
          if (!returned) {
            res.status(204).end();
            return;
          }
          res.type('application/fido+uaf;charset=UTF-8').send(JSON.stringify(returned));
        },
      ],
    });
  }
  return router;
}
