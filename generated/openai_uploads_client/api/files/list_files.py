from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.file_list import FileList
from ...models.list_files_order import ListFilesOrder
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    purpose: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListFilesOrder | Unset = UNSET,
    after: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["purpose"] = purpose

    params["limit"] = limit

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order

    params["order"] = json_order

    params["after"] = after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/files",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | FileList | None:
    if response.status_code == 200:
        response_200 = FileList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorResponse.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | FileList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    purpose: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListFilesOrder | Unset = UNSET,
    after: str | Unset = UNSET,
) -> Response[ErrorResponse | FileList]:
    """List Files.

     Returns a page of the Files that belong to the organization, newest first unless
    `order` says otherwise. Pass the last id of a page as `after` to get the next one.

    Args:
        purpose (str | Unset):
        limit (int | Unset):
        order (ListFilesOrder | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | FileList]
    """

    kwargs = _get_kwargs(
        purpose=purpose,
        limit=limit,
        order=order,
        after=after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    purpose: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListFilesOrder | Unset = UNSET,
    after: str | Unset = UNSET,
) -> ErrorResponse | FileList | None:
    """List Files.

     Returns a page of the Files that belong to the organization, newest first unless
    `order` says otherwise. Pass the last id of a page as `after` to get the next one.

    Args:
        purpose (str | Unset):
        limit (int | Unset):
        order (ListFilesOrder | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | FileList
    """

    return sync_detailed(
        client=client,
        purpose=purpose,
        limit=limit,
        order=order,
        after=after,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    purpose: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListFilesOrder | Unset = UNSET,
    after: str | Unset = UNSET,
) -> Response[ErrorResponse | FileList]:
    """List Files.

     Returns a page of the Files that belong to the organization, newest first unless
    `order` says otherwise. Pass the last id of a page as `after` to get the next one.

    Args:
        purpose (str | Unset):
        limit (int | Unset):
        order (ListFilesOrder | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | FileList]
    """

    kwargs = _get_kwargs(
        purpose=purpose,
        limit=limit,
        order=order,
        after=after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    purpose: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    order: ListFilesOrder | Unset = UNSET,
    after: str | Unset = UNSET,
) -> ErrorResponse | FileList | None:
    """List Files.

     Returns a page of the Files that belong to the organization, newest first unless
    `order` says otherwise. Pass the last id of a page as `after` to get the next one.

    Args:
        purpose (str | Unset):
        limit (int | Unset):
        order (ListFilesOrder | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | FileList
    """

    return (
        await asyncio_detailed(
            client=client,
            purpose=purpose,
            limit=limit,
            order=order,
            after=after,
        )
    ).parsed
