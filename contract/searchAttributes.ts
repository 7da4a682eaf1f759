import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Custom search attributes, so an operator finds a flow in the Temporal UI
// (e.g. `OutbandOperation = "authentication" AND OutbandStatus = "failed"`).
export const operationKey = defineSearchAttributeKey('OutbandOperation', SearchAttributeType.KEYWORD);
export const statusKey = defineSearchAttributeKey('OutbandStatus', SearchAttributeType.KEYWORD);
export const channelKey = defineSearchAttributeKey('OutbandChannel', SearchAttributeType.KEYWORD);
/** A keyed hash of the user name: never the name itself. */
export const userHashKey = defineSearchAttributeKey('OutbandUserHash', SearchAttributeType.KEYWORD);

export const searchAttributeKeys = [operationKey, statusKey, channelKey, userHashKey];
